"""The real app plus a few probe routes, and a small app built from app/db.py's two pieces, for
the connection tests of app/db.py (tests/app/test_db.py).

Served by ``uvicorn tests.app.probe_app:app`` (or ``:small_app``) in a subprocess; the probes go
through exactly the app's own machinery (``DjangoDatabaseMiddleware``, ``DjangoRoute``), nothing
special-cased. Every query the process runs records the name of the thread it ran on
(``/probe/query-threads``), so a test can see that none ran outside a request's thread.
"""

import asyncio
import threading
from typing import Annotated

from asgiref.sync import sync_to_async
from django.db import connection, connections
from django.db.backends.signals import connection_created
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, WebSocket

from app.db import DjangoDatabaseMiddleware, DjangoRoute, database_boundary
from app.main import create_app
from tests.app.lazy_schemas import BookWithAuthor

# --- Where queries run -------------------------------------------------------------------------

query_threads: set[str] = set()


def _record_thread(execute, sql, params, many, context):
    query_threads.add(threading.current_thread().name)
    return execute(sql, params, many, context)


def _install_recorder(sender, connection, **kwargs) -> None:
    if _record_thread not in connection.execute_wrappers:
        connection.execute_wrappers.append(_record_thread)


connection_created.connect(_install_recorder)


def _count_books() -> int:
    from app.books.models import Book

    return Book.objects.count()


# --- Dependencies written as a learner would ----------------------------------------------------


def book_count() -> int:
    """A plain ``def`` dependency that queries."""
    return _count_books()


def counted_twice(count: Annotated[int, Depends(book_count)]) -> int:
    """A ``def`` dependency on a ``def`` dependency: the query runs one level down."""
    return count + _count_books() - count


def book_count_session():
    """A ``def`` dependency with ``yield``: it queries before and after the endpoint."""
    count = _count_books()
    yield count
    _count_books()


# --- A def endpoint whose response model reads a lazy relation (tests/app/lazy_schemas.py) --


def _first_book():
    from app.books.models import Book

    return Book.objects.order_by("id").first()


# --- The real app with probes ------------------------------------------------------------------

app = create_app()
probe = APIRouter(prefix="/probe", route_class=DjangoRoute)
jobs_done: list[int] = []


def _sleep_in_database(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])


@probe.get("/sleep")
async def sleep_async(seconds: float) -> dict[str, float]:
    """An ``async def`` route whose query takes ``seconds`` on the server."""
    await sync_to_async(_sleep_in_database)(seconds)
    return {"slept": seconds}


@probe.get("/books-sync")
def books_sync() -> list[str]:
    """A plain ``def`` route using the synchronous ORM."""
    from app.books.models import Book

    return [book.title for book in Book.objects.order_by("id")[:20]]


@probe.get("/def-dependency")
async def with_def_dependency(count: Annotated[int, Depends(counted_twice)]) -> dict[str, int]:
    """An ``async def`` endpoint whose ``def`` dependencies (two levels) query."""
    return {"books": count}


@probe.get("/yield-dependency")
def with_yield_dependency(count: Annotated[int, Depends(book_count_session)]) -> dict[str, int]:
    return {"books": count}


@probe.get("/book-with-author", response_model=BookWithAuthor)
def book_with_author():
    """A ``def`` endpoint returning the ORM object: the response model reads ``book.author``."""
    return _first_book()


@probe.get("/background")
async def with_background_task(tasks: BackgroundTasks) -> dict[str, str]:
    """A ``def`` background task that queries after the response is sent."""
    tasks.add_task(_count_books)
    return {"queued": "count"}


@database_boundary
async def _spawned_job(number: int) -> None:
    await sync_to_async(_count_books)()
    await asyncio.sleep(0.05)  # still running after the request that spawned it ended
    await sync_to_async(_count_books)()
    jobs_done.append(number)


_background_jobs: set[asyncio.Task[None]] = set()


@probe.get("/spawn")
async def spawn(number: int) -> dict[str, int]:
    """Spawn a task that outlives the request, with a boundary of its own."""
    task = asyncio.create_task(_spawned_job(number))
    _background_jobs.add(task)
    task.add_done_callback(_background_jobs.discard)
    return {"spawned": number}


@probe.get("/jobs-done")
async def jobs_done_count() -> dict[str, int]:
    return {"done": len(jobs_done)}


@probe.get("/pool")
async def pool_stats() -> dict[str, int]:
    """psycopg_pool's counters; reading them opens no connection."""
    return connections["default"].pool.get_stats()


@probe.get("/query-threads")
async def threads_that_queried() -> list[str]:
    return sorted(query_threads)


app.include_router(probe)


@app.websocket("/probe/ws")
async def websocket_counts(websocket: WebSocket, count: Annotated[int, Depends(book_count)]):
    """A websocket session: a ``def`` dependency, then a query per message."""
    await websocket.accept()
    await websocket.send_json({"books": count})
    async for _ in websocket.iter_text():
        await websocket.send_json({"books": await sync_to_async(_count_books)()})


# --- A small app built from app/db.py's two pieces only ------------------------------------------

small_app = FastAPI()
small = APIRouter(route_class=DjangoRoute)


@small.get("/book", response_model=BookWithAuthor)
def small_book(count: Annotated[int, Depends(book_count)]):
    return _first_book()


@small.get("/pool")
async def small_pool_stats() -> dict[str, int]:
    return connections["default"].pool.get_stats()


small_app.include_router(small)


@small_app.websocket("/ws")
async def small_websocket(websocket: WebSocket, count: Annotated[int, Depends(book_count)]):
    await websocket.accept()
    await websocket.send_json({"books": count})
    async for _ in websocket.iter_text():
        await websocket.send_json({"books": await sync_to_async(_count_books)()})


small_app.add_middleware(DjangoDatabaseMiddleware)
