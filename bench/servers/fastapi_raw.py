"""Variants 7 and 8: the ceilings. Same FastAPI routes, same schema, no ORM.

``raw_driver`` reads with the driver itself: on SQLite one ``sqlite3`` connection opened at
startup and queried on the event loop (a read takes microseconds, and the loop runs one at a
time, so one connection is all it can use); on PostgreSQL psycopg's ``AsyncConnectionPool``
sized like the app's pool. ``no_db`` returns rows loaded once at startup.
"""

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI, HTTPException

from app.books.schemas import ReadBookSchema
from app.fields import BookId, BookLimit, BookSkip

LIST_SQL = (
    "SELECT id, title, author_id, isbn, publication_date FROM books_book "
    "ORDER BY id LIMIT {limit} OFFSET {offset}"
)
GET_SQL = "SELECT id, title, author_id, isbn, publication_date FROM books_book WHERE id = {param}"
COLUMNS = ("id", "title", "author_id", "isbn", "publication_date")


def _book(row: tuple[Any, ...]) -> ReadBookSchema:
    fields = dict(zip(COLUMNS, row, strict=True))
    if isinstance(fields["publication_date"], str):  # sqlite3 returns dates as text
        fields["publication_date"] = date.fromisoformat(fields["publication_date"])
    return ReadBookSchema(**fields)


def _add_routes(
    app: FastAPI,
    fetch_page: Callable[[int, int], Any],
    fetch_one: Callable[[int], Any],
) -> None:
    @app.get("/v0/books/")
    async def list_books(skip: BookSkip = 0, limit: BookLimit = 20) -> list[ReadBookSchema]:
        return [_book(row) for row in await fetch_page(skip, limit)]

    @app.get("/v0/books/{book_id}")
    async def get_book(book_id: BookId) -> ReadBookSchema:
        row = await fetch_one(book_id)
        if row is None:
            raise HTTPException(404, f"Book {book_id} not found")
        return _book(row)


def create_sqlite_app(path: str) -> FastAPI:
    state: dict[str, sqlite3.Connection] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state["db"] = sqlite3.connect(path, check_same_thread=False)
        yield
        state.pop("db").close()

    async def fetch_page(skip: int, limit: int) -> list[tuple[Any, ...]]:
        sql = LIST_SQL.format(limit="?", offset="?")
        return state["db"].execute(sql, (limit, skip)).fetchall()

    async def fetch_one(book_id: int) -> tuple[Any, ...] | None:
        return state["db"].execute(GET_SQL.format(param="?"), (book_id,)).fetchone()

    app = FastAPI(lifespan=lifespan)
    _add_routes(app, fetch_page, fetch_one)
    return app


def create_postgresql_app(url: str) -> FastAPI:
    from psycopg_pool import AsyncConnectionPool

    pool = AsyncConnectionPool(url, min_size=1, max_size=10, open=False)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await pool.open()
        yield
        await pool.close()

    async def fetch_page(skip: int, limit: int) -> list[tuple[Any, ...]]:
        async with pool.connection() as connection:
            cursor = await connection.execute(
                LIST_SQL.format(limit="%s", offset="%s"), (limit, skip)
            )
            return await cursor.fetchall()

    async def fetch_one(book_id: int) -> tuple[Any, ...] | None:
        async with pool.connection() as connection:
            cursor = await connection.execute(GET_SQL.format(param="%s"), (book_id,))
            return await cursor.fetchone()

    app = FastAPI(lifespan=lifespan)
    _add_routes(app, fetch_page, fetch_one)
    return app


def create_no_db_app(rows: list[dict[str, Any]]) -> FastAPI:
    """``rows``: every book, read once at startup by the caller."""
    books = {row["id"]: row for row in rows}
    ordered = [books[key] for key in sorted(books)]

    async def fetch_page(skip: int, limit: int) -> list[tuple[Any, ...]]:
        return [tuple(row[column] for column in COLUMNS) for row in ordered[skip : skip + limit]]

    async def fetch_one(book_id: int) -> tuple[Any, ...] | None:
        row = books.get(book_id)
        return None if row is None else tuple(row[column] for column in COLUMNS)

    app = FastAPI()
    _add_routes(app, fetch_page, fetch_one)
    return app
