"""Exercise 04 is graded like Brown's Examplar: the learner's tests run against the correct app (the
"wheat") and against variants with one bug each (the "chaffs"). A good test suite passes on the
wheat and fails on every chaff.

Each chaff replaces ``BookService.import_book`` (or wraps the ASGI app) while one run of the
learner's tests lasts. The import route, its dependency on the Open Library client and everything
the learner overrides stay as they are. ``KINDS`` is the feedback: what a suite that missed the
chaff did not check, without saying what the bug is.
"""

from collections.abc import Iterator
from contextlib import contextmanager
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


def _import_book_with(bug: str):
    """``BookService.import_book`` as written in app/books/services.py, with ``bug`` in it."""
    from app.authors.models import Author
    from app.books.models import Book
    from app.books.schemas import ReadBookSchema
    from app.exceptions import Conflict, NotFound, UpstreamUnavailable

    async def import_book(self, isbn: str, catalogue) -> ReadBookSchema:
        if await self.repository.isbn_exists(isbn):
            if bug == "already_stored":
                return ReadBookSchema.model_validate(await Book.objects.aget(isbn=isbn))
            raise Conflict(f"A book with ISBN {isbn} already exists")
        entry = await catalogue.find_by_isbn(f"ISBN:{isbn}" if bug == "catalogue_query" else isbn)
        if entry is None:
            if bug == "unknown_isbn":
                raise UpstreamUnavailable("Open Library is unavailable")
            raise NotFound("Book with ISBN", isbn)
        if bug == "not_stored":
            return ReadBookSchema(
                id=1, title=entry.title, author_id=1, isbn=isbn,
                publication_date=entry.publication_date,
            )  # fmt: skip
        if bug == "duplicate_author":
            author = await Author.objects.acreate(name=entry.author_name)
            book = await Book.objects.acreate(
                title=entry.title, author=author, isbn=isbn,
                publication_date=entry.publication_date,
            )  # fmt: skip
            return ReadBookSchema.model_validate(book)
        book = await self.repository.create_with_author(
            title=entry.author_name if bug == "stored_fields" else entry.title,
            author_name=entry.author_name,
            isbn=isbn,
            publication_date=entry.publication_date,
        )
        return ReadBookSchema.model_validate(book)

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

        is_import = scope["type"] == "http" and scope["path"] == "/v0/books/import"
        await self.app(scope, receive, send_with_bug if is_import else send)


@contextmanager
def variant(bug: str | None, app: ASGIApp) -> Iterator[ASGIApp]:
    """The app to send requests to while ``bug`` (None: the wheat) is in place."""
    from app.books.services import BookService

    if bug is None:
        yield app
    elif bug == "status_code":
        yield _CreatedBecomesOk(app)
    else:
        with mock.patch.object(BookService, "import_book", _import_book_with(bug)):
            yield app
