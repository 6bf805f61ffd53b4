"""Where a request's time goes: ``python -m bench.costs`` (SQLite; PostgreSQL with DATABASE_URL).

The profile behind bench/README.md's answer to "why is the app not at the raw driver's speed":
each piece of the app's request path timed alone, in CPU microseconds per call (CPU time, so
other work on the machine does not inflate it), on a fresh benchmark database.
"""

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.database import bench_database, is_postgresql

CALLS = 2000


def _cpu_us(function: Callable[[], object], calls: int = CALLS) -> float:
    for _ in range(calls // 20):
        function()
    started = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - started) / calls * 1e6


def _async_cpu_us(make: Callable[[], object], calls: int = CALLS) -> float:
    async def run() -> float:
        for _ in range(calls // 20):
            await make()  # type: ignore[misc]
        started = time.process_time()
        for _ in range(calls):
            await make()  # type: ignore[misc]
        return (time.process_time() - started) / calls * 1e6

    return asyncio.run(run())


def measure() -> list[tuple[str, float]]:
    """Runs in a child process configured on the benchmark database."""
    from app.bootstrap import setup_django

    setup_django()
    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.db import close_old_connections, connection

    from app.books.models import Book
    from app.books.schemas import ReadBookSchema
    from bench.database import read_all_books

    book_id = read_all_books(os.environ["DATABASE_URL"])[0]["id"]
    sql = "SELECT id, title, author_id, isbn, publication_date FROM books_book WHERE id = %s"

    def noop() -> None:
        pass

    async def new_thread_per_request() -> None:
        async with ThreadSensitiveContext():
            await sync_to_async(noop)()

    executor = ThreadPoolExecutor(max_workers=1)

    async def borrowed_thread() -> None:
        async with ThreadSensitiveContext(executor=executor):
            await sync_to_async(noop)()

    async def hop() -> None:
        await sync_to_async(noop)()

    def open_and_close() -> None:
        connection.ensure_connection()
        close_old_connections()

    results = [
        (
            "request context, new thread + join (asgiref default)",
            _async_cpu_us(new_thread_per_request, 500),
        ),
        ("request context, borrowed thread (app/db.py)", _async_cpu_us(borrowed_thread)),
        ("one sync_to_async hop", _async_cpu_us(hop)),
        ("Django connection open + close (CONN_MAX_AGE=0)", _cpu_us(open_and_close, 500)),
    ]
    connection.ensure_connection()
    one = Book.objects.get(pk=book_id)
    page = list(Book.objects.order_by("id")[:20])
    results += [
        ("ORM: Book.objects.get(pk=...)", _cpu_us(lambda: Book.objects.get(pk=book_id))),
        ("ORM: list(order_by('id')[:20])", _cpu_us(lambda: list(Book.objects.order_by("id")[:20]))),
        (
            "raw cursor on the same connection: one row",
            _cpu_us(lambda: _raw(connection, sql, book_id)),
        ),
        (
            "ReadBookSchema.model_validate, 1 book",
            _cpu_us(lambda: ReadBookSchema.model_validate(one)),
        ),
        (
            "ReadBookSchema.model_validate, 20 books",
            _cpu_us(lambda: [ReadBookSchema.model_validate(b) for b in page]),
        ),
    ]
    connection.close()
    return results


def _raw(connection, sql: str, book_id: int) -> object:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(sql, [book_id])
        return cursor.fetchone()


def main() -> int:
    if sys.argv[1:] == ["--child"]:
        for label, micros in measure():
            print(f"{label:<55} {micros:8.1f} us CPU")
        return 0
    server_url = os.environ.get("DATABASE_URL")
    with bench_database(server_url if is_postgresql(server_url) else None, 200) as database:
        environment = {**os.environ, "DATABASE_URL": database.url, "DEBUG": "0"}
        environment["SECRET_KEY"] = "costs-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        print(f"CPU cost of each piece of a request, {database.version}:")
        return subprocess.run(
            [sys.executable, "-m", "bench.costs", "--child"],
            env=environment,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
            timeout=300,
        ).returncode


if __name__ == "__main__":
    raise SystemExit(main())
