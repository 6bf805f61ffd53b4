"""Unit tests of what the services themselves decide, with in-memory repositories: no database,
no HTTP. What the repositories do (ids, conflicts, not found, order) is the contract suite's
(tests/app/test_repository_contract.py), which holds the fakes and the Django repositories to
the same tests; a service test that only exercised the fake was removed in its favour."""

from datetime import date
from unittest.mock import AsyncMock

import pytest

from app.books.openlibrary import CatalogueEntry
from app.books.schemas import CreateBookRequest, UpdateBookRequest
from app.books.services import BookService
from app.exceptions import Conflict, NotFound
from tests.app.fakes import FakeBookRepository, FakeDatabase

pytestmark = pytest.mark.anyio


@pytest.fixture
def books() -> BookService:
    database = FakeDatabase()
    database.add_author("Hermann Hesse")
    return BookService(repository=FakeBookRepository(database))


def siddhartha(author_id: int = 1) -> CreateBookRequest:
    return CreateBookRequest(
        title="Siddhartha",
        author_id=author_id,
        isbn="978-0-553-20884-9",
        publication_date=date(1922, 1, 1),
    )


async def test_update_changes_only_the_fields_sent(books: BookService) -> None:
    created = await books.create_book(siddhartha())
    updated = await books.update_book(created.id, UpdateBookRequest(title="Siddhartha (new)"))
    assert updated.model_dump() == {**created.model_dump(), "title": "Siddhartha (new)"}


async def test_empty_update_returns_the_book_unchanged_without_writing(books: BookService) -> None:
    created = await books.create_book(siddhartha())
    books.repository.update = AsyncMock()  # type: ignore[method-assign]  (must not be called)
    assert await books.update_book(created.id, UpdateBookRequest()) == created
    books.repository.update.assert_not_awaited()


async def test_import_creates_the_book_from_the_catalogue(books: BookService) -> None:
    catalogue = AsyncMock()
    catalogue.find_by_isbn.return_value = CatalogueEntry(
        "Demian", "Hermann Hesse", date(1919, 1, 1)
    )
    imported = await books.import_book("9780060931919", catalogue)
    catalogue.find_by_isbn.assert_awaited_once_with("9780060931919")
    assert (imported.title, imported.isbn) == ("Demian", "9780060931919")


async def test_import_of_an_unknown_isbn_is_not_found(books: BookService) -> None:
    catalogue = AsyncMock()
    catalogue.find_by_isbn.return_value = None
    with pytest.raises(NotFound):
        await books.import_book("9780060931919", catalogue)


async def test_import_of_a_known_isbn_does_not_call_the_catalogue(books: BookService) -> None:
    await books.create_book(siddhartha())
    catalogue = AsyncMock()
    with pytest.raises(Conflict):
        await books.import_book("9780553208849", catalogue)
    catalogue.find_by_isbn.assert_not_awaited()
