"""``workshop.databases``: the one home of is-it-PostgreSQL, throwaway databases and migrate+seed
that lessons, tests and the benchmark share; on real databases."""

import json
import sqlite3
from pathlib import Path

import psycopg
import pytest

from tests.servers import run_python, server_env
from workshop.databases import (
    drop_database,
    is_postgresql,
    recreate_database,
    throwaway_database,
    with_database,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres@127.0.0.1:5432/books", True),
        ("postgres://u:p@db/books", True),
        ("sqlite:///var/db.sqlite3", False),
        ("", False),
        (None, False),
        ("mysql://u@h/postgresql", False),
    ],
)
def test_is_postgresql_reads_the_scheme_only(url, expected):
    assert is_postgresql(url) is expected


def test_with_database_keeps_everything_but_the_path():
    url = "postgresql://user:secret@host:6543/books?sslmode=require"
    assert with_database(url, "other") == "postgresql://user:secret@host:6543/other?sslmode=require"


def test_a_throwaway_sqlite_database_is_a_file_removed_afterwards():
    with throwaway_database(None, "probe") as url:
        path = Path(url.removeprefix("sqlite:///"))
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE t (x)")
        connection.close()
        assert path.exists()
    assert not path.parent.exists()


def _database_exists(server_url: str, database: str) -> bool:
    with psycopg.connect(server_url, autocommit=True) as server:
        query = "SELECT count(*) FROM pg_database WHERE datname = %s"
        return server.execute(query, [database]).fetchone() == (1,)


@pytest.mark.postgresql
def test_a_throwaway_postgresql_database_is_dropped_even_with_a_connection_open(postgresql_url):
    with (
        pytest.raises(RuntimeError, match="the block failed"),
        throwaway_database(postgresql_url, "probe") as url,
    ):
        database = url.rsplit("/", 1)[1]
        assert database.startswith("probe_")
        assert _database_exists(postgresql_url, database)
        left_open = psycopg.connect(url)  # dropped WITH (FORCE) all the same
        raise RuntimeError("the block failed")
    assert not _database_exists(postgresql_url, database)
    left_open.close()


@pytest.mark.postgresql
def test_recreate_database_starts_empty_and_drop_database_removes_it(postgresql_url):
    database = "workshop_recreate_probe"
    try:
        url = recreate_database(postgresql_url, database)
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE leftover (x int)")
        url = recreate_database(postgresql_url, database)
        with psycopg.connect(url, autocommit=True) as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'"
            )
            assert tables.fetchone() == (0,)
    finally:
        drop_database(postgresql_url, database)
    assert not _database_exists(postgresql_url, database)


MIGRATE_AND_SEED = """
import json
from app.bootstrap import setup_django
setup_django()
from workshop.databases import migrate
vendor = migrate(seed=True)
from app.authors.models import Author
from app.books.models import Book
print(json.dumps([vendor, Author.objects.count(), Book.objects.count()]))
"""


def test_migrate_with_seed_leaves_the_sample_data_on_a_new_database():
    with throwaway_database(None, "migrate") as url:
        completed = run_python("-c", MIGRATE_AND_SEED, env=server_env(DATABASE_URL=url))
        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout) == ["sqlite", 1, 3]
