"""Exercise 04 is graded like Brown's Examplar: the learner's tests run against the correct app (the
"wheat") and against variants with one bug each (the "chaffs"). A good test suite passes on the
wheat and fails on every chaff.

Every chaff wraps the real ``app.books.services.BookService.import_book`` (or the real app's
middleware stack): the bug is a change around the app's own code, never a re-typed copy of it, so
the chaffs follow the app when it changes. ``KINDS`` is the feedback: what a suite that missed the
chaff did not check, without saying what the bug is.
"""

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KINDS = {
    "status_code": "the status code of a successful import",
    "stored_fields": "the fields of the imported book",
    "not_stored": "whether the imported book is really in the database afterwards",
    "duplicate_author": "importing a book by an author who is already in the database",
    "catalogue_query": "what the app asks the catalogue for",
    "unknown_isbn": "an ISBN the catalogue does not know",
    "already_stored": "an ISBN that is already in the database",
}
CHAFFS = list(KINDS)
IMPORT_PATH = "/v0/books/import"

ImportBook = Callable[[Any, str, Any], Awaitable[Any]]


class _Catalogue:
    """The learner's fake catalogue, seen through a bug: another query, or an altered entry."""

    def __init__(self, inner: Any, query=None, entry=None) -> None:
        self.inner, self.query, self.entry = inner, query, entry

    async def find_by_isbn(self, isbn: str) -> Any:
        found = await self.inner.find_by_isbn(self.query(isbn) if self.query else isbn)
        return self.entry(found) if self.entry and found is not None else found


def buggy(bug: str, real: ImportBook) -> ImportBook:
    """``BookService.import_book`` with ``bug`` around the real one."""
    from app.authors.models import Author
    from app.books.models import Book
    from app.books.schemas import ReadBookSchema
    from app.exceptions import Conflict, NotFound, UpstreamUnavailable

    async def import_book(self: Any, isbn: str, catalogue: Any) -> Any:
        if bug == "catalogue_query":
            return await real(self, isbn, _Catalogue(catalogue, query=lambda i: f"ISBN:{i}"))
        if bug == "stored_fields":
            swap = _Catalogue(
                catalogue, entry=lambda e: dataclasses.replace(e, title=e.author_name)
            )
            return await real(self, isbn, swap)
        if bug == "unknown_isbn":
            try:
                return await real(self, isbn, catalogue)
            except NotFound:
                raise UpstreamUnavailable("Open Library is unavailable") from None
        if bug == "already_stored":
            try:
                return await real(self, isbn, catalogue)
            except Conflict:
                return ReadBookSchema.model_validate(await Book.objects.aget(isbn=isbn))
        if bug == "not_stored":
            book = await real(self, isbn, catalogue)
            await Book.objects.filter(pk=book.id).adelete()
            return book
        if bug == "duplicate_author":
            names: list[str] = []

            def other_author(entry: Any) -> Any:
                names.append(entry.author_name)
                return dataclasses.replace(entry, author_name=f"{entry.author_name} (again)")

            book = await real(self, isbn, _Catalogue(catalogue, entry=other_author))
            if names:  # a second author, under the first one's name
                await Author.objects.filter(pk=book.author_id).aupdate(name=names[0])
            return book
        raise ValueError(f"unknown chaff {bug!r}")

    return import_book


class _CreatedBecomesOk:
    """ASGI wrapper: the import route answers 200 where it should answer 201."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_bug(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 201:
                message = {**message, "status": 200}
            await send(message)

        is_import = scope["type"] == "http" and scope["path"] == IMPORT_PATH
        await self.app(scope, receive, send_with_bug if is_import else send)


def _wrapped(build: Callable[[Any], ASGIApp]) -> Callable[[Any], ASGIApp]:
    return lambda app: _CreatedBecomesOk(build(app))


@contextmanager
def variant(bug: str | None, on_import: Callable[[], None] = lambda: None) -> Iterator[None]:
    """While it lasts, every app (``app.main.app`` or one the test builds) has ``bug`` (None: the
    wheat); ``on_import`` is called for each import that reaches the service."""
    from fastapi import FastAPI
    from starlette.applications import Starlette

    from app.books.services import BookService

    real = BookService.import_book
    chosen = real if bug in (None, "status_code") else buggy(bug, real)

    async def counted(self: Any, isbn: str, catalogue: Any) -> Any:
        on_import()
        return await chosen(self, isbn, catalogue)

    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(BookService, "import_book", counted))
        if bug == "status_code":  # any app built while it lasts (FastAPI overrides Starlette's)
            for cls in (Starlette, FastAPI):
                build = cls.__dict__["build_middleware_stack"]
                stack.enter_context(
                    mock.patch.object(cls, "build_middleware_stack", _wrapped(build))
                )
        yield
