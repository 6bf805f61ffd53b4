"""Business rules for reading lists. Knows nothing of HTTP nor of sessions: it is given the
user's id by the route, which got the user from a dependency."""

from typing import Any, Protocol

from app.accounts.schemas import (
    AddToReadingListRequest,
    ReadingListEntrySchema,
    UserReadingListEntrySchema,
)


class ReadingListRepository(Protocol):
    async def list_for_user(self, user_id: int) -> list[Any]: ...
    async def list_all(self, skip: int, limit: int) -> list[Any]: ...
    async def add(self, user_id: int, book_id: int) -> Any: ...
    async def remove(self, user_id: int, book_id: int) -> None: ...


class ReadingListService:
    def __init__(self, repository: ReadingListRepository) -> None:
        self.repository = repository

    async def get_reading_list(self, user_id: int) -> list[ReadingListEntrySchema]:
        entries = await self.repository.list_for_user(user_id)
        return [ReadingListEntrySchema.model_validate(entry) for entry in entries]

    async def add_book(
        self, user_id: int, request: AddToReadingListRequest
    ) -> ReadingListEntrySchema:
        entry = await self.repository.add(user_id=user_id, book_id=request.book_id)
        return ReadingListEntrySchema.model_validate(entry)

    async def remove_book(self, user_id: int, book_id: int) -> None:
        await self.repository.remove(user_id=user_id, book_id=book_id)

    async def get_all_reading_lists(
        self, skip: int = 0, limit: int = 20
    ) -> list[UserReadingListEntrySchema]:
        entries = await self.repository.list_all(skip=skip, limit=limit)
        return [UserReadingListEntrySchema.model_validate(entry) for entry in entries]
