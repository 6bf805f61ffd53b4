"""In-memory stand-ins for the repositories: the pattern lesson 04 teaches.

They keep the same contract as the Django repositories (same methods, same exceptions), so a
service can be tested without a database.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from app.exceptions import Conflict, InvalidReference, NotFound


@dataclass
class FakeAuthor:
    id: int
    name: str
    bio: str = ""


@dataclass
class FakeBook:
    id: int
    title: str
    author_id: int
    isbn: str
    publication_date: date


class FakeAuthorRepository:
    def __init__(self) -> None:
        self.authors: dict[int, FakeAuthor] = {}
        self.book_counts: dict[int, int] = {}

    async def create(self, name: str, bio: str) -> FakeAuthor:
        author = FakeAuthor(id=len(self.authors) + 1, name=name, bio=bio)
        self.authors[author.id] = author
        return author

    async def get_by_id(self, author_id: int) -> FakeAuthor:
        if author_id not in self.authors:
            raise NotFound("Author", author_id)
        return self.authors[author_id]

    async def list(self, skip: int, limit: int) -> list[FakeAuthor]:
        return list(self.authors.values())[skip : skip + limit]

    async def update(self, author_id: int, changes: dict[str, Any]) -> FakeAuthor:
        author = replace(await self.get_by_id(author_id), **changes)
        self.authors[author_id] = author
        return author

    async def delete(self, author_id: int) -> None:
        await self.get_by_id(author_id)
        if self.book_counts.get(author_id):
            raise Conflict(f"Author {author_id} still has books")
        del self.authors[author_id]


class FakeBookRepository:
    def __init__(self, author_ids: set[int] | None = None) -> None:
        self.books: dict[int, FakeBook] = {}
        self.author_ids = author_ids if author_ids is not None else {1}
        self.authors_by_name: dict[str, int] = {}

    async def create(
        self, title: str, author_id: int, isbn: str, publication_date: date
    ) -> FakeBook:
        if author_id not in self.author_ids:
            raise InvalidReference("author_id", f"Author {author_id} does not exist")
        if await self.isbn_exists(isbn):
            raise Conflict(f"A book with ISBN {isbn} already exists")
        book = FakeBook(len(self.books) + 1, title, author_id, isbn, publication_date)
        self.books[book.id] = book
        return book

    async def get_by_id(self, book_id: int) -> FakeBook:
        if book_id not in self.books:
            raise NotFound("Book", book_id)
        return self.books[book_id]

    async def list(self, skip: int, limit: int, author_id: int | None = None) -> list[FakeBook]:
        books = [b for b in self.books.values() if author_id is None or b.author_id == author_id]
        return books[skip : skip + limit]

    async def update(self, book_id: int, changes: dict[str, Any]) -> FakeBook:
        book = replace(await self.get_by_id(book_id), **changes)
        self.books[book_id] = book
        return book

    async def delete(self, book_id: int) -> None:
        await self.get_by_id(book_id)
        del self.books[book_id]

    async def isbn_exists(self, isbn: str) -> bool:
        return any(book.isbn == isbn for book in self.books.values())

    async def create_with_author(
        self, title: str, author_name: str, isbn: str, publication_date: date
    ) -> FakeBook:
        if author_name not in self.authors_by_name:
            self.authors_by_name[author_name] = max(self.author_ids, default=0) + 1
            self.author_ids.add(self.authors_by_name[author_name])
        return await self.create(title, self.authors_by_name[author_name], isbn, publication_date)
