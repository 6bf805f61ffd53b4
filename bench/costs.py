"""Where a request's time goes: ``python -m bench.costs [--backends sqlite,postgresql] [--out DIR]``.

The profile behind bench/README.md's answer to "why is the app not at the raw driver's speed":
each piece of the app's request path timed alone, in CPU microseconds per call (CPU time, so
other work on the machine does not inflate it), on a fresh benchmark database, on one core and on
the servers' event loop (uvloop).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench import eventloop
from bench.cli import PG_URL
from bench.database import bench_database
from workshop.databases import is_postgresql

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

CALLS = 2000


def _cpu_us(function: Callable[[], object], calls: int = CALLS) -> float:
    for _ in range(calls // 20):
        function()
    started = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - started) / calls * 1e6


def _async_cpu_us(make: Callable[[], Awaitable[object]], calls: int = CALLS) -> float:
    async def run() -> float:
        for _ in range(calls // 20):
            await make()
        started = time.process_time()
        for _ in range(calls):
            await make()
        return (time.process_time() - started) / calls * 1e6

    return eventloop.run(run())


def measure() -> list[tuple[str, float]]:
    """Runs in a child process configured on the benchmark database."""
    from app.bootstrap import setup_django

    setup_django()
    from asgiref.sync import ThreadSensitiveContext, sync_to_async
    from django.db import connection, connections
    from starlette.types import Message, Receive, Scope, Send

    from app.books.models import Book
    from app.books.schemas import ReadBookSchema
    from app.db import DjangoDatabaseMiddleware
    from bench.database import read_all_books

    book_id = read_all_books(os.environ["DATABASE_URL"])[0]["id"]
    sql = "SELECT id, title, author_id, isbn, publication_date FROM books_book WHERE id = %s"

    def noop() -> None:
        pass

    async def new_thread_per_request() -> None:
        async with ThreadSensitiveContext():
            await sync_to_async(noop)()

    async def one_hop(scope: Scope, receive: Receive, send: Send) -> None:
        await sync_to_async(noop)()

    async def never_called() -> Message:
        raise AssertionError("the timed endpoint reads no request body")

    async def discard(message: Message) -> None:
        pass

    # The app's own middleware around an endpoint that makes one ORM-style hop: the borrowed
    # thread, its context and the queued end-of-request cleanup, as every request pays them.
    middleware = DjangoDatabaseMiddleware(one_hop)
    scope: Scope = {"type": "http"}

    async def through_the_apps_middleware() -> None:
        await middleware(scope, never_called, discard)

    async def hop() -> None:
        await sync_to_async(noop)()

    def get_in_own_connection(alias: str) -> Callable[[], None]:
        """One request's database work: connect, ORM get, close (``CONN_MAX_AGE=0``)."""

        def request() -> None:
            Book.objects.using(alias).get(pk=book_id)
            connections[alias].close()

        return request

    results = [
        (
            "request context, new thread + join (asgiref default)",
            _async_cpu_us(new_thread_per_request, 500),
        ),
        (
            "request context, borrowed thread (app/db.py)",
            _async_cpu_us(through_the_apps_middleware),
        ),
        ("one sync_to_async hop, awaited", _async_cpu_us(hop)),
    ]
    if connection.vendor == "sqlite":
        results.append(
            (
                "connect + ORM get + close, Django's SQLite backend",
                _cpu_us(get_in_own_connection(_django_sqlite_alias()), 500),
            )
        )
    results.append(
        (
            f"connect + ORM get + close, the app's pool ({connection.vendor})",
            _cpu_us(get_in_own_connection("default"), 1000),
        )
    )
    if connection.vendor == "postgresql":
        results.append(
            (
                "  the same without CONN_HEALTH_CHECKS (the pool's check)",
                _cpu_us(get_in_own_connection(_unchecked_pool_alias()), 1000),
            )
        )
        connections[_UNCHECKED].close_pool()  # type: ignore[attr-defined]  # not in django-stubs 5.2.9
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


_UNCHECKED = "pool_without_checks"


def _unchecked_pool_alias() -> str:
    """The same PostgreSQL pool settings without health checks, as another alias: what the
    check before lending each connection (an empty query, a round trip) costs."""
    from django.db import connections

    checked = connections["default"].settings_dict
    options = {**checked["OPTIONS"], "pool": dict(checked["OPTIONS"]["pool"])}
    connections.settings[_UNCHECKED] = dict(checked, CONN_HEALTH_CHECKS=False, OPTIONS=options)
    return _UNCHECKED


def _django_sqlite_alias() -> str:
    """The same database under Django's own SQLite backend (no pool), as another alias."""
    from django.db import connections

    pooled = connections["default"].settings_dict
    options = {key: value for key, value in pooled["OPTIONS"].items() if key != "pool"}
    stock = dict(pooled, ENGINE="django.db.backends.sqlite3", OPTIONS=options)
    connections.settings["django_sqlite"] = stock
    return "django_sqlite"


def _raw(connection: "BaseDatabaseWrapper", sql: str, book_id: int) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, [book_id])
        return cursor.fetchone()


def _measure_backend(server_url: str | None) -> tuple[str, list[tuple[str, float]]]:
    """Measure in a child process configured on a fresh benchmark database of one backend."""
    with bench_database(server_url, 200) as database:
        environment = {**os.environ, "DATABASE_URL": database.url, "DEBUG": "0"}
        environment["SECRET_KEY"] = "costs-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
        environment.pop("DJANGO_SETTINGS_MODULE", None)
        completed = subprocess.run(
            [sys.executable, "-m", "bench.costs", "--child"],
            env=environment,
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"measuring {database.version} failed:\n{completed.stderr}")
        return database.version, [tuple(pair) for pair in json.loads(completed.stdout)]


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments == ["--child"]:
        if hasattr(os, "sched_setaffinity"):  # one core, as the benchmark pins its servers
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        print(json.dumps(measure()))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.costs", description=__doc__)
    parser.add_argument("--out", type=Path, help="also write costs.json here")
    parser.add_argument(
        "--backends",
        help="sqlite, postgresql or both; default: postgresql when DATABASE_URL points at a "
        "server, sqlite otherwise",
    )
    args = parser.parse_args(arguments)
    server_url = os.environ.get("DATABASE_URL")
    backends = args.backends or ("postgresql" if is_postgresql(server_url) else "sqlite")
    measured: dict[str, object] = {}
    report: dict[str, object] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpu_us_per_call": measured,
    }
    for backend in backends.split(","):
        if backend not in {"sqlite", "postgresql"}:
            parser.error("--backends takes sqlite, postgresql or sqlite,postgresql")
        server = (
            (server_url if is_postgresql(server_url) else PG_URL)
            if backend == "postgresql"
            else None
        )
        version, costs = _measure_backend(server)
        print(f"CPU cost of each piece of a request, {version}:")
        for label, micros in costs:
            print(f"  {label:<62} {micros:8.1f} us CPU")
        measured[backend] = {
            "database": version,
            "pieces": [{"piece": label, "cpu_us": round(micros, 1)} for label, micros in costs],
        }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "costs.json").write_text(json.dumps(report, indent=2) + "\n")
        print(f"Wrote {args.out}/costs.json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
