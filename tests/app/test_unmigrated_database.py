"""A server started on a database that was never migrated says so, instead of answering 500
(PostgreSQL's "relation does not exist" is a ProgrammingError) or a misleading "unavailable"."""

from collections.abc import Iterator

import httpx2
import pytest

from tests.postgresql import postgresql_database
from tests.servers import live_server, server_env

NOT_MIGRATED = {"detail": "The database is not migrated: run `python manage.py migrate`"}


@pytest.fixture
def empty_postgresql_url(postgresql_url: str) -> Iterator[str]:
    with postgresql_database(postgresql_url, prefix="unmigrated", migrated=False) as url:
        yield url


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
