"""Nothing is lost or corrupted: refused deletes delete nothing, PATCH validates like POST,
migrations go both ways, and seeding twice is a no-op.

The API tests use the suite's ``client`` (SQLite or PostgreSQL, whichever the run is on); the
migration and seed tests run ``manage.py`` in child processes on databases of their own.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from starlette.testclient import TestClient

from tests.postgresql import postgresql_database
from tests.servers import manage, server_env

VALID_BOOK = {
    "title": "Demian",
    "isbn": "978-0-06-093192-3",
    "publication_date": "1919-01-01",
}


@pytest.fixture
def author_with_books(client: TestClient) -> dict[str, Any]:
    author = client.post("/v0/authors/", json={"name": "Hermann Hesse", "bio": "poet"}).json()
    books = [
        client.post("/v0/books/", json={**VALID_BOOK, "author_id": author["id"]}).json(),
        client.post(
            "/v0/books/",
            json={**VALID_BOOK, "isbn": "9780553208849", "author_id": author["id"]},
        ).json(),
    ]
    return {"author": author, "books": books}


def test_deleting_an_author_with_books_is_refused_and_deletes_nothing(
    client: TestClient, author_with_books: dict[str, Any]
) -> None:
    author = author_with_books["author"]
    response = client.delete(f"/v0/authors/{author['id']}")
    assert response.status_code == 409
    assert "book" in response.json()["detail"]
    assert client.get(f"/v0/authors/{author['id']}").json() == author
    assert client.get(f"/v0/books/?author_id={author['id']}").json() == author_with_books["books"]
    # Once the books are gone, the same delete succeeds: the refusal was about the books.
    for book in author_with_books["books"]:
        assert client.delete(f"/v0/books/{book['id']}").status_code == 204
    assert client.delete(f"/v0/authors/{author['id']}").status_code == 204


# (field, bad value): each is refused on create; a PATCH with it must be refused the same way.
BAD_BOOK_FIELDS = [
    ("title", ""),
    ("title", "   "),
    ("title", "x" * 301),
    ("title", "nul\x00byte"),
    ("title", None),
    ("isbn", "12345"),
    ("isbn", "978-0-06-093192-Y"),
    ("isbn", "x" * 40),
    ("isbn", None),
    ("author_id", 0),
    ("author_id", -1),
    ("author_id", 2**63),
    ("author_id", "one"),
    ("author_id", None),
    ("author_id", 987654),  # no such author: 422 naming it
    ("publication_date", "1919-02-30"),
    ("publication_date", "yesterday"),
    ("publication_date", None),
]
BAD_AUTHOR_FIELDS = [
    ("name", ""),
    ("name", "  "),
    ("name", "x" * 201),
    ("name", "a\x00b"),
    ("name", None),
    ("bio", "x" * 5001),
    ("bio", "\x00"),
    ("bio", None),
]


@pytest.mark.parametrize(("field", "value"), BAD_BOOK_FIELDS)
def test_book_patch_is_validated_like_create(
    client: TestClient, author_with_books: dict[str, Any], field: str, value: Any
) -> None:
    book = author_with_books["books"][0]
    create = client.post("/v0/books/", json={**book, "isbn": "9783518031599", field: value})
    patch = client.patch(f"/v0/books/{book['id']}", json={field: value})
    assert create.status_code == 422
    assert patch.status_code == 422
    assert field in str(patch.json()["detail"])
    assert client.get(f"/v0/books/{book['id']}").json() == book  # unchanged


@pytest.mark.parametrize(("field", "value"), BAD_AUTHOR_FIELDS)
def test_author_patch_is_validated_like_create(
    client: TestClient, author_with_books: dict[str, Any], field: str, value: Any
) -> None:
    author = author_with_books["author"]
    create = client.post("/v0/authors/", json={"name": "Someone", field: value})
    patch = client.patch(f"/v0/authors/{author['id']}", json={field: value})
    assert create.status_code == 422
    assert patch.status_code == 422
    assert client.get(f"/v0/authors/{author['id']}").json() == author


def test_patch_to_a_taken_isbn_is_a_conflict_and_changes_nothing(
    client: TestClient, author_with_books: dict[str, Any]
) -> None:
    first, second = author_with_books["books"]
    response = client.patch(f"/v0/books/{second['id']}", json={"isbn": first["isbn"]})
    assert response.status_code == 409
    assert client.get(f"/v0/books/{second['id']}").json() == second


# --- migrations and seed, on databases of their own -------------------------------------

APP_TABLES = {"authors_author", "books_book"}


@pytest.fixture(params=["sqlite", "postgresql"])
def own_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated database that no other test uses, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'own.sqlite3'}"
        manage("migrate", "--no-input", "-v", "0", env=server_env(DATABASE_URL=url))
        yield url
    else:
        server_url = request.getfixturevalue("postgresql_url")
        with postgresql_database(server_url, prefix="hardening_safety") as url:
            yield url


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchall()
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql).fetchall()


def app_tables(url: str) -> set[str]:
    if url.startswith("sqlite:///"):
        rows = query(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {name for (name,) in rows} & APP_TABLES


def test_migrations_apply_forwards_and_backwards(own_database: str) -> None:
    env = server_env(DATABASE_URL=own_database)
    assert app_tables(own_database) == APP_TABLES
    manage("seed", env=env)
    # Backwards: books first (it depends on authors), then authors; then forwards again.
    manage("migrate", "books", "zero", "--no-input", "-v", "0", env=env)
    assert app_tables(own_database) == {"authors_author"}
    manage("migrate", "authors", "zero", "--no-input", "-v", "0", env=env)
    assert app_tables(own_database) == set()
    manage("migrate", "--no-input", "-v", "0", env=env)
    assert app_tables(own_database) == APP_TABLES
    assert "Seeded: 1 author(s) and 3 book(s) created." in manage("seed", env=env).stdout
    # The models and the committed migrations agree: nothing left to generate.
    manage("makemigrations", "--check", "--dry-run", env=env)


def snapshot(url: str) -> list[tuple[Any, ...]]:
    authors = query(url, "SELECT id, name, bio FROM authors_author ORDER BY id")
    books = query(
        url,
        "SELECT id, title, author_id, isbn, CAST(publication_date AS TEXT) FROM books_book ORDER BY id",
    )
    return [*authors, *books]


def test_seed_twice_changes_nothing(own_database: str) -> None:
    env = server_env(DATABASE_URL=own_database)
    first = manage("seed", env=env).stdout
    after_first = snapshot(own_database)
    second = manage("seed", env=env).stdout
    assert "1 author(s) and 3 book(s) created" in first
    assert "nothing to add: the database holds 1 author(s) and 3 book(s)" in second
    assert snapshot(own_database) == after_first
    assert len(after_first) == 4
