"""The real app plus a few probe routes, for the PostgreSQL connection tests.

Served by ``uvicorn tests.app.probe_app:app`` in a subprocess; the probes go through exactly the
app's own machinery (``DjangoDatabaseMiddleware``, ``DjangoRoute``), nothing special-cased.
"""

from asgiref.sync import sync_to_async
from django.db import connection, connections
from fastapi import APIRouter

from app.db import DjangoRoute
from app.main import create_app

app = create_app()
probe = APIRouter(prefix="/probe", route_class=DjangoRoute)


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


@probe.get("/pool")
async def pool_stats() -> dict[str, int]:
    """psycopg_pool's counters; reading them opens no connection."""
    return connections["default"].pool.get_stats()


app.include_router(probe)
