"""Business rules for books. Knows nothing of HTTP; takes a repository and, for imports, a
catalogue (both Protocols), so unit tests hand it fakes."""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from app.books.openlibrary import CatalogueEntry
from app.books.schemas import CreateBookRequest, ReadBookSchema, UpdateBookRequest
from app.exceptions import Conflict, NotFound


class BookRecord(Protocol):
    """What the service reads of a stored book: a Django ``Book``, or a test's fake."""

    id: int
    title: str
    author_id: int
    isbn: str
    publication_date: date


class BookRepository(Protocol):
    """Storage of books. Missing rows raise ``NotFound``, a taken ISBN ``Conflict``, an unknown
    author ``InvalidReference`` (tests/app/test_repository_contract.py holds every
    implementation to this)."""

    async def create(
        self, title: str, author_id: int, isbn: str, publication_date: date
    ) -> BookRecord: ...
    async def get_by_id(self, book_id: int) -> BookRecord: ...
    async def list(
        self, skip: int, limit: int, author_id: int | None = None
    ) -> Sequence[BookRecord]: ...
    async def update(self, book_id: int, changes: dict[str, Any]) -> BookRecord: ...
    async def delete(self, book_id: int) -> None: ...
    async def isbn_exists(self, isbn: str) -> bool: ...
    async def create_with_author(
        self, title: str, author_name: str, isbn: str, publication_date: date
    ) -> BookRecord: ...


class BookCatalogue(Protocol):
    async def find_by_isbn(self, isbn: str) -> CatalogueEntry | None: ...


class BookService:
    def __init__(self, repository: BookRepository) -> None:
        self.repository = repository

    async def create_book(self, request: CreateBookRequest) -> ReadBookSchema:
        book = await self.repository.create(
            title=request.title,
            author_id=request.author_id,
            isbn=request.isbn,
            publication_date=request.publication_date,
        )
        return ReadBookSchema.model_validate(book)

    async def get_all_books(
        self, skip: int = 0, limit: int = 20, author_id: int | None = None
    ) -> list[ReadBookSchema]:
        books = await self.repository.list(skip=skip, limit=limit, author_id=author_id)
        return [ReadBookSchema.model_validate(book) for book in books]

    async def get_book_by_id(self, book_id: int) -> ReadBookSchema:
        return ReadBookSchema.model_validate(await self.repository.get_by_id(book_id))

    async def update_book(self, book_id: int, request: UpdateBookRequest) -> ReadBookSchema:
        changes = request.model_dump(exclude_unset=True)
        if not changes:
            return await self.get_book_by_id(book_id)
        return ReadBookSchema.model_validate(await self.repository.update(book_id, changes))

    async def delete_book(self, book_id: int) -> None:
        await self.repository.delete(book_id)

    async def import_book(self, isbn: str, catalogue: BookCatalogue) -> ReadBookSchema:
        """Look the ISBN up in the catalogue, then create its author (if new) and the book."""
        if await self.repository.isbn_exists(isbn):
            raise Conflict(f"A book with ISBN {isbn} already exists")
        entry = await catalogue.find_by_isbn(isbn)
        if entry is None:
            raise NotFound("Book with ISBN", isbn)
        book = await self.repository.create_with_author(
            title=entry.title,
            author_name=entry.author_name,
            isbn=isbn,
            publication_date=entry.publication_date,
        )
        return ReadBookSchema.model_validate(book)
