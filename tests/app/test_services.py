"""Unit tests of the services with in-memory repositories: no database, no HTTP."""

from datetime import date
from unittest.mock import AsyncMock

import pytest

from app.authors.schemas import CreateAuthorRequest, UpdateAuthorRequest
from app.authors.services import AuthorService
from app.books.openlibrary import CatalogueEntry
from app.books.schemas import CreateBookRequest, UpdateBookRequest
from app.books.services import BookService
from app.exceptions import Conflict, InvalidReference, NotFound
from tests.app.fakes import FakeAuthorRepository, FakeBookRepository

pytestmark = pytest.mark.anyio

SIDDHARTHA = CreateBookRequest(
    title="Siddhartha", author_id=1, isbn="978-0-553-20884-9", publication_date=date(1922, 1, 1)
)


@pytest.fixture
def books() -> BookService:
    return BookService(repository=FakeBookRepository(author_ids={1}))


async def test_create_book_stores_the_normalised_isbn(books: BookService) -> None:
    created = await books.create_book(SIDDHARTHA)
    assert created.isbn == "9780553208849"
    assert await books.get_book_by_id(created.id) == created


async def test_duplicate_isbn_is_a_conflict(books: BookService) -> None:
    await books.create_book(SIDDHARTHA)
    with pytest.raises(Conflict, match="9780553208849"):
        await books.create_book(SIDDHARTHA)


async def test_unknown_author_is_an_invalid_reference(books: BookService) -> None:
    with pytest.raises(InvalidReference, match="Author 7 does not exist") as caught:
        await books.create_book(SIDDHARTHA.model_copy(update={"author_id": 7}))
    assert caught.value.field == "author_id"


async def test_missing_book_is_not_found(books: BookService) -> None:
    with pytest.raises(NotFound, match="Book 42 not found"):
        await books.get_book_by_id(42)


async def test_update_changes_only_the_fields_sent(books: BookService) -> None:
    created = await books.create_book(SIDDHARTHA)
    updated = await books.update_book(created.id, UpdateBookRequest(title="Siddhartha (new)"))
    assert updated.model_dump() == {**created.model_dump(), "title": "Siddhartha (new)"}


async def test_empty_update_returns_the_book_unchanged(books: BookService) -> None:
    created = await books.create_book(SIDDHARTHA)
    assert await books.update_book(created.id, UpdateBookRequest()) == created


async def test_list_filters_by_author_and_pages(books: BookService) -> None:
    books.repository.author_ids.add(2)
    for index, author_id in enumerate([1, 2, 1, 1]):
        isbn = f"978000000000{index}"
        await books.create_book(
            SIDDHARTHA.model_copy(update={"isbn": isbn, "author_id": author_id})
        )
    page = await books.get_all_books(skip=1, limit=5, author_id=1)
    assert [book.isbn for book in page] == ["9780000000002", "9780000000003"]


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
    await books.create_book(SIDDHARTHA)
    catalogue = AsyncMock()
    with pytest.raises(Conflict):
        await books.import_book("9780553208849", catalogue)
    catalogue.find_by_isbn.assert_not_awaited()


async def test_author_service_round_trip() -> None:
    authors = AuthorService(repository=FakeAuthorRepository())
    created = await authors.create_author(CreateAuthorRequest(name="  Hermann Hesse "))
    assert (created.name, created.bio) == ("Hermann Hesse", "")
    updated = await authors.update_author(created.id, UpdateAuthorRequest(bio="Poet"))
    assert updated.bio == "Poet"
    assert await authors.get_all_authors() == [updated]
    await authors.delete_author(created.id)
    with pytest.raises(NotFound):
        await authors.get_author_by_id(created.id)


async def test_author_with_books_cannot_be_deleted() -> None:
    repository = FakeAuthorRepository()
    authors = AuthorService(repository=repository)
    created = await authors.create_author(CreateAuthorRequest(name="Hesse"))
    repository.book_counts[created.id] = 1
    with pytest.raises(Conflict):
        await authors.delete_author(created.id)
