"""Variants 2 and 3: FastAPI with the *sync* ORM, reached two ways.

``fastapi_sync_to_async``: ``async def`` routes that wrap sync ORM code in ``sync_to_async``,
behind the app's own ``DjangoDatabaseMiddleware`` (a thread per request, connections closed in
it). ``fastapi_def``: plain ``def`` routes on AnyIO's worker threads; each closes its connection
in that same thread before returning, so no worker keeps one open between requests.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from fastapi import FastAPI

from app.books.models import Book
from app.books.schemas import ReadBookSchema
from app.db import DjangoDatabaseMiddleware
from app.errors import install_error_handlers
from app.fields import BookId, BookLimit, BookSkip


def _list_books(skip: int, limit: int) -> list[ReadBookSchema]:
    books = Book.objects.order_by("id")[skip : skip + limit]
    return [ReadBookSchema.model_validate(book) for book in books]


def _get_book(book_id: int) -> ReadBookSchema:
    return ReadBookSchema.model_validate(Book.objects.get(pk=book_id))


def create_sync_to_async_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(DjangoDatabaseMiddleware)

    @app.get("/v0/books/")
    async def list_books(skip: BookSkip = 0, limit: BookLimit = 20) -> list[ReadBookSchema]:
        return await sync_to_async(_list_books)(skip, limit)

    @app.get("/v0/books/{book_id}")
    async def get_book(book_id: BookId) -> ReadBookSchema:
        return await sync_to_async(_get_book)(book_id)

    return app


def closing_connections(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Close the worker thread's connections after the endpoint, in that thread: with
    ``CONN_MAX_AGE=0`` that ends a SQLite connection or hands a pooled one back."""

    @wraps(endpoint)
    def run_and_close(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        finally:
            close_old_connections()

    return run_and_close


def create_def_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/v0/books/")
    @closing_connections
    def list_books(skip: BookSkip = 0, limit: BookLimit = 20) -> list[ReadBookSchema]:
        return _list_books(skip, limit)

    @app.get("/v0/books/{book_id}")
    @closing_connections
    def get_book(book_id: BookId) -> ReadBookSchema:
        return _get_book(book_id)

    return app
