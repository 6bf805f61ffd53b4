"""The only module that queries the ORM for books."""

from datetime import date
from typing import Any

from asgiref.sync import sync_to_async
from django.db import IntegrityError, transaction

from app.authors.models import Author
from app.books.models import Book
from app.exceptions import Conflict, InvalidReference, NotFound


class DjangoBookRepository:
    async def create(self, title: str, author_id: int, isbn: str, publication_date: date) -> Book:
        try:
            return await Book.objects.acreate(
                title=title, author_id=author_id, isbn=isbn, publication_date=publication_date
            )
        except IntegrityError:
            raise await self._explain_integrity_error(isbn, author_id) from None

    async def get_by_id(self, book_id: int) -> Book:
        try:
            return await Book.objects.aget(pk=book_id)
        except Book.DoesNotExist:
            raise NotFound("Book", book_id) from None

    async def list(self, skip: int, limit: int, author_id: int | None = None) -> list[Book]:
        books = Book.objects.order_by("id")
        if author_id is not None:
            books = books.filter(author_id=author_id)
        return [book async for book in books[skip : skip + limit]]

    async def update(self, book_id: int, changes: dict[str, Any]) -> Book:
        book = await self.get_by_id(book_id)
        for field, value in changes.items():
            setattr(book, field, value)
        try:
            await book.asave(update_fields=list(changes))
        except IntegrityError:
            raise await self._explain_integrity_error(
                changes.get("isbn"), changes.get("author_id"), book_id
            ) from None
        return book

    async def delete(self, book_id: int) -> None:
        deleted, _ = await Book.objects.filter(pk=book_id).adelete()
        if not deleted:
            raise NotFound("Book", book_id)

    async def isbn_exists(self, isbn: str) -> bool:
        return await Book.objects.filter(isbn=isbn).aexists()

    async def create_with_author(
        self, title: str, author_name: str, isbn: str, publication_date: date
    ) -> Book:
        """Find or create the author and create the book: both or neither."""
        try:
            return await sync_to_async(_create_with_author)(
                title, author_name, isbn, publication_date
            )
        except IntegrityError:
            raise Conflict(f"A book with ISBN {isbn} already exists") from None

    async def _explain_integrity_error(
        self, isbn: str | None, author_id: int | None, book_id: int | None = None
    ) -> Exception:
        """Turn the database's refusal into the rule it enforced: unique ISBN or existing author."""
        if isbn is not None:
            same_isbn = Book.objects.filter(isbn=isbn)
            if book_id is not None:
                same_isbn = same_isbn.exclude(pk=book_id)
            if await same_isbn.aexists():
                return Conflict(f"A book with ISBN {isbn} already exists")
        if author_id is not None and not await Author.objects.filter(pk=author_id).aexists():
            return InvalidReference("author_id", f"Author {author_id} does not exist")
        return Conflict("The change conflicts with existing data")


def _create_with_author(title: str, author_name: str, isbn: str, publication_date: date) -> Book:
    # `transaction.atomic` cannot span `await`s: the whole unit of work is one sync function,
    # run on the request's ORM thread by `sync_to_async`.
    with transaction.atomic():
        author = Author.objects.filter(name=author_name).order_by("id").first()
        if author is None:
            author = Author.objects.create(name=author_name)
        return Book.objects.create(
            title=title, author=author, isbn=isbn, publication_date=publication_date
        )
