"""In-memory stand-ins for the repositories: the pattern lesson 04 teaches.

They keep the same contract as the Django repositories (same methods, same exceptions, the same
rules between authors and books), and tests/app/test_repository_contract.py proves it by running
one suite over both. A book repository and an author repository that share a
:class:`FakeDatabase` see each other's rows, as the two Django repositories share a database.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import count
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


@dataclass
class FakeDatabase:
    """The rows, by id, in insertion (= id) order; ids are never reused, as in a database."""

    authors: dict[int, FakeAuthor] = field(default_factory=dict)
    books: dict[int, FakeBook] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: count(1))

    def add_author(self, name: str, bio: str = "") -> FakeAuthor:
        author = FakeAuthor(next(self.ids), name, bio)
        self.authors[author.id] = author
        return author


class FakeAuthorRepository:
    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database if database is not None else FakeDatabase()

    async def create(self, name: str, bio: str) -> FakeAuthor:
        return self.database.add_author(name, bio)

    async def get_by_id(self, author_id: int) -> FakeAuthor:
        if author_id not in self.database.authors:
            raise NotFound("Author", author_id)
        return self.database.authors[author_id]

    async def list(self, skip: int, limit: int) -> list[FakeAuthor]:
        return list(self.database.authors.values())[skip : skip + limit]

    async def update(self, author_id: int, changes: dict[str, Any]) -> FakeAuthor:
        author = replace(await self.get_by_id(author_id), **changes)
        self.database.authors[author_id] = author
        return author

    async def delete(self, author_id: int) -> None:
        await self.get_by_id(author_id)
        books = sum(book.author_id == author_id for book in self.database.books.values())
        if books:
            raise Conflict(
                f"Author {author_id} still has {books} book(s); "
                "delete them or give them another author first"
            )
        del self.database.authors[author_id]


class FakeBookRepository:
    def __init__(self, database: FakeDatabase | None = None) -> None:
        self.database = database if database is not None else FakeDatabase()

    async def create(
        self, title: str, author_id: int, isbn: str, publication_date: date
    ) -> FakeBook:
        self._check(isbn=isbn, author_id=author_id)
        book = FakeBook(next(self.database.ids), title, author_id, isbn, publication_date)
        self.database.books[book.id] = book
        return book

    async def get_by_id(self, book_id: int) -> FakeBook:
        if book_id not in self.database.books:
            raise NotFound("Book", book_id)
        return self.database.books[book_id]

    async def list(self, skip: int, limit: int, author_id: int | None = None) -> list[FakeBook]:
        books = self.database.books.values()
        chosen = [book for book in books if author_id is None or book.author_id == author_id]
        return chosen[skip : skip + limit]

    async def update(self, book_id: int, changes: dict[str, Any]) -> FakeBook:
        book = await self.get_by_id(book_id)
        self._check(changes.get("isbn"), changes.get("author_id"), book_id)
        self.database.books[book_id] = replace(book, **changes)
        return self.database.books[book_id]

    async def delete(self, book_id: int) -> None:
        await self.get_by_id(book_id)
        del self.database.books[book_id]

    async def isbn_exists(self, isbn: str) -> bool:
        return any(book.isbn == isbn for book in self.database.books.values())

    async def create_with_author(
        self, title: str, author_name: str, isbn: str, publication_date: date
    ) -> FakeBook:
        if await self.isbn_exists(isbn):  # checked first: a refused import adds no author
            raise Conflict(f"A book with ISBN {isbn} already exists")
        named = [a for a in self.database.authors.values() if a.name == author_name]
        author = named[0] if named else self.database.add_author(author_name)
        return await self.create(title, author.id, isbn, publication_date)

    def _check(self, isbn: str | None, author_id: int | None, book_id: int | None = None) -> None:
        """The database's two rules, in the Django repository's words."""
        others = (book for book in self.database.books.values() if book.id != book_id)
        if isbn is not None and any(book.isbn == isbn for book in others):
            raise Conflict(f"A book with ISBN {isbn} already exists")
        if author_id is not None and author_id not in self.database.authors:
            raise InvalidReference("author_id", f"Author {author_id} does not exist")
