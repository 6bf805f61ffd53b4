"""The only module that queries the ORM for reading lists."""

from django.db import IntegrityError

from app.accounts.exceptions import NotOnReadingList
from app.accounts.models import ReadingListEntry
from app.books.models import Book
from app.exceptions import Conflict, NotFound


class DjangoReadingListRepository:
    async def list_for_user(self, user_id: int) -> list[ReadingListEntry]:
        entries = ReadingListEntry.objects.filter(user_id=user_id).select_related("book")
        return [entry async for entry in entries.order_by("added_at", "id")]

    async def list_all(self, skip: int, limit: int) -> list[ReadingListEntry]:
        entries = ReadingListEntry.objects.select_related("book").order_by("id")
        return [entry async for entry in entries[skip : skip + limit]]

    async def add(self, user_id: int, book_id: int) -> ReadingListEntry:
        """Insert the entry; the unique constraint, not a check before, refuses a second one (a
        check-then-insert would let two concurrent requests both pass the check)."""
        try:
            entry = await ReadingListEntry.objects.acreate(user_id=user_id, book_id=book_id)
        except IntegrityError:
            raise await self._explain_integrity_error(user_id, book_id) from None
        # Fetched again with its book, so that serialising it reads no lazy relation.
        return await ReadingListEntry.objects.select_related("book").aget(pk=entry.pk)

    async def remove(self, user_id: int, book_id: int) -> None:
        deleted, _ = await ReadingListEntry.objects.filter(
            user_id=user_id, book_id=book_id
        ).adelete()
        if not deleted:
            raise NotOnReadingList(book_id)

    async def _explain_integrity_error(self, user_id: int, book_id: int) -> Exception:
        """The database refused the row: the book does not exist (foreign key) or it is already
        on the list (unique constraint)."""
        if not await Book.objects.filter(pk=book_id).aexists():
            return NotFound("Book", book_id)
        return Conflict(f"Book {book_id} is already on your reading list")
