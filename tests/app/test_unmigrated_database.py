"""A server started on a database that was never migrated says so, instead of answering 500
(PostgreSQL's "relation does not exist" is a ProgrammingError) or a misleading "unavailable"."""

import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import httpx2
import psycopg
import pytest
from psycopg import sql

from tests.servers import live_server, server_env

NOT_MIGRATED = {"detail": "The database is not migrated: run `python manage.py migrate`"}


@pytest.fixture
def empty_postgresql_url(postgresql_url: str) -> Iterator[str]:
    database = f"unmigrated_{uuid.uuid4().hex[:10]}"
    name = sql.Identifier(database)
    with psycopg.connect(postgresql_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    try:
        yield urlunsplit(urlsplit(postgresql_url)._replace(path=f"/{database}"))
    finally:
        with psycopg.connect(postgresql_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def assert_not_migrated_answers(database_url: str) -> None:
    with live_server(server_env(DATABASE_URL=database_url)) as server:
        books = httpx2.get(f"{server.base_url}/v0/books/")
        author = httpx2.post(f"{server.base_url}/v0/authors/", json={"name": "Hesse"})
        assert "Traceback" not in server.log()
    assert (books.status_code, books.json()) == (503, NOT_MIGRATED)
    assert (author.status_code, author.json()) == (503, NOT_MIGRATED)


def test_unmigrated_sqlite_database(tmp_path):
    assert_not_migrated_answers(f"sqlite:///{tmp_path / 'empty.sqlite3'}")


def test_unmigrated_postgresql_database(empty_postgresql_url):
    assert_not_migrated_answers(empty_postgresql_url)
