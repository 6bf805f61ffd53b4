"""The benchmark's own database: created, migrated and seeded for one run, then removed.

SQLite (default): a file in a temporary folder. PostgreSQL (when ``DATABASE_URL`` points at a
server): a database ``bench_<pid>`` on that server, dropped at the end, connections or not.
The workshop's own database is never touched.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

AUTHORS = 10
LIST_LIMIT = 20


@dataclass(frozen=True)
class BenchDatabase:
    backend: str  # "sqlite" or "postgresql"
    url: str
    version: str
    books: int
    book_id: int  # the id the "get" request asks for
    expected_list: list[dict[str, Any]]  # the JSON of the "list" request
    expected_book: dict[str, Any]  # the JSON of the "get" request


def is_postgresql(url: str | None) -> bool:
    return bool(url) and url.startswith(("postgres://", "postgresql://"))  # type: ignore[union-attr]


@contextmanager
def bench_database(server_url: str | None, books: int) -> Iterator[BenchDatabase]:
    """A migrated database holding ``books`` books, for the duration of the block."""
    if is_postgresql(server_url):
        assert server_url is not None
        name = f"bench_{os.getpid()}"
        _run_on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _run_on_server(server_url, f'CREATE DATABASE "{name}"')
        url = urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
        try:
            yield _prepare(url, books)
        finally:
            _run_on_server(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        folder = tempfile.mkdtemp(prefix="books-bench-")
        try:
            yield _prepare(f"sqlite:///{folder}/bench.sqlite3", books)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _run_on_server(server_url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(statement)  # type: ignore[arg-type]  (names are ours: bench_<pid>)


def _prepare(url: str, books: int) -> BenchDatabase:
    """Migrate and seed in a child process, so this one never configures Django."""
    environment = {**os.environ, "DATABASE_URL": url}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run(
        [sys.executable, "-m", "bench.database", str(books)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"preparing the benchmark database failed:\n{completed.stderr[-3000:]}")
    rows = read_all_books(url)
    middle = rows[len(rows) // 2]
    return BenchDatabase(
        backend="postgresql" if is_postgresql(url) else "sqlite",
        url=url,
        version=json.loads(completed.stdout)["version"],
        books=len(rows),
        book_id=middle["id"],
        expected_list=rows[:LIST_LIMIT],
        expected_book=middle,
    )


def read_all_books(url: str) -> list[dict[str, Any]]:
    """Every book as the API's JSON, read with the plain driver (no Django needed)."""
    sql = "SELECT id, title, author_id, isbn, publication_date FROM books_book ORDER BY id"
    if is_postgresql(url):
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as connection:
            rows = connection.execute(sql).fetchall()
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
            rows = connection.execute(sql).fetchall()
        connection.close()
    return [
        {
            "id": row[0],
            "title": row[1],
            "author_id": row[2],
            "isbn": row[3],
            "publication_date": str(row[4]),
        }
        for row in rows
    ]


def _migrate_and_seed(books: int) -> str:
    """Runs in the child process: Django configured on ``DATABASE_URL``."""
    from app.bootstrap import setup_django

    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from app.authors.models import Author
    from app.books.models import Book

    call_command("migrate", verbosity=0, interactive=False)
    authors = Author.objects.bulk_create(
        Author(name=f"Author {number}", bio=f"Biography of author {number}.")
        for number in range(1, AUTHORS + 1)
    )
    first_day = date(1900, 1, 1)
    Book.objects.bulk_create(
        Book(
            title=f"Book number {number}",
            author=authors[number % AUTHORS],
            isbn=f"978{number:010d}",
            publication_date=first_day + timedelta(days=97 * number),
        )
        for number in range(1, books + 1)
    )
    version = sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close_pool()
    connection.close()
    return f"{connection.vendor} {version}"


if __name__ == "__main__":
    print(json.dumps({"version": _migrate_and_seed(int(sys.argv[1]))}))
