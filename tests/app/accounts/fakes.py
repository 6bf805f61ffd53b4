"""Stand-ins for the unit tests: a user as a route sees it, and a reading-list repository in
memory with the contract of the Django one (same methods, same exceptions)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.accounts.exceptions import NotOnReadingList
from app.exceptions import Conflict, NotFound
from tests.app.fakes import FakeBook


@dataclass
class FakeUser:
    """What ``get_current_user`` returns, as far as the routes use it."""

    id: int = 7
    username: str = "reader"
    is_staff: bool = False
    permissions: frozenset[str] = frozenset()
    is_authenticated: bool = True

    @property
    def pk(self) -> int:
        return self.id

    async def ahas_perm(self, permission: str) -> bool:
        return permission in self.permissions


@dataclass
class FakeEntry:
    user_id: int
    book: FakeBook
    added_at: datetime


@dataclass
class FakeReadingListRepository:
    books: dict[int, FakeBook] = field(default_factory=dict)
    entries: list[FakeEntry] = field(default_factory=list)

    def add_book(self, book_id: int, title: str) -> None:
        self.books[book_id] = FakeBook(
            book_id, title, 1, f"978000000000{book_id}", date(2000, 1, 1)
        )

    def entries_for_test(self, user_id: int, book_id: int) -> FakeEntry:
        return FakeEntry(user_id, self.books[book_id], datetime(2026, 1, 1, tzinfo=UTC))

    async def list_for_user(self, user_id: int) -> list[FakeEntry]:
        return [entry for entry in self.entries if entry.user_id == user_id]

    async def list_all(self, skip: int, limit: int) -> list[FakeEntry]:
        return self.entries[skip : skip + limit]

    async def add(self, user_id: int, book_id: int) -> FakeEntry:
        if book_id not in self.books:
            raise NotFound("Book", book_id)
        if any(e.user_id == user_id and e.book.id == book_id for e in self.entries):
            raise Conflict(f"Book {book_id} is already on your reading list")
        entry = self.entries_for_test(user_id, book_id)
        self.entries.append(entry)
        return entry

    async def remove(self, user_id: int, book_id: int) -> None:
        before = len(self.entries)
        self.entries = [
            e for e in self.entries if not (e.user_id == user_id and e.book.id == book_id)
        ]
        if len(self.entries) == before:
            raise NotOnReadingList(book_id)
