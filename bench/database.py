"""The benchmark's own database: created, migrated and seeded for one run, then removed.

SQLite (default): a file in a temporary folder. PostgreSQL (when ``DATABASE_URL`` points at a
server): a database ``bench_<random>`` on that server, dropped at the end, connections or not
(``workshop.databases.throwaway_database``). The workshop's own database is never touched.
"""

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from workshop.databases import is_postgresql, migrate, throwaway_database
from workshop.paths import REPOSITORY_ROOT

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


@contextmanager
def bench_database(server_url: str | None, books: int) -> Iterator[BenchDatabase]:
    """A migrated database holding ``books`` books, for the duration of the block."""
    with throwaway_database(server_url, "bench") as url:
        yield _prepare(url, books)


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
        cwd=REPOSITORY_ROOT,
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

        with psycopg.connect(url, connect_timeout=5) as server:
            rows = server.execute(sql).fetchall()
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///")) as database:
            rows = database.execute(sql).fetchall()
        database.close()  # sqlite3's `with` ends the transaction but keeps the file open
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
    from django.db import connection

    from app.authors.models import Author
    from app.books.models import Book
    from app.startup import close_database_pools

    migrate(seed=False)
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
            # within date's range for any number of books (unchanged below 412)
            publication_date=first_day + timedelta(days=97 * number % 40_000),
        )
        for number in range(1, books + 1)
    )
    version = sqlite3.sqlite_version
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    connection.close()
    close_database_pools()
    return f"{connection.vendor} {version}"


if __name__ == "__main__":
    print(json.dumps({"version": _migrate_and_seed(int(sys.argv[1]))}))
