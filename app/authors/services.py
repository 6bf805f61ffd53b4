"""Business rules for authors. Knows nothing of HTTP: it takes any object shaped like
:class:`AuthorRepository`, so a unit test can hand it an in-memory fake."""

from collections.abc import Sequence
from typing import Any, Protocol

from app.authors.schemas import CreateAuthorRequest, ReadAuthorSchema, UpdateAuthorRequest


class AuthorRecord(Protocol):
    """What the service reads of a stored author: a Django ``Author``, or a test's fake."""

    id: int
    name: str
    bio: str


class AuthorRepository(Protocol):
    """Storage of authors. A missing row raises ``NotFound``; deleting an author who still has
    books raises ``Conflict`` (tests/app/test_repository_contract.py holds every implementation
    to this)."""

    async def create(self, name: str, bio: str) -> AuthorRecord: ...
    async def get_by_id(self, author_id: int) -> AuthorRecord: ...
    async def list(self, skip: int, limit: int) -> Sequence[AuthorRecord]: ...
    async def update(self, author_id: int, changes: dict[str, Any]) -> AuthorRecord: ...
    async def delete(self, author_id: int) -> None: ...


class AuthorService:
    def __init__(self, repository: AuthorRepository) -> None:
        self.repository = repository

    async def create_author(self, request: CreateAuthorRequest) -> ReadAuthorSchema:
        author = await self.repository.create(name=request.name, bio=request.bio)
        return ReadAuthorSchema.model_validate(author)

    async def get_all_authors(self, skip: int = 0, limit: int = 20) -> list[ReadAuthorSchema]:
        authors = await self.repository.list(skip=skip, limit=limit)
        return [ReadAuthorSchema.model_validate(author) for author in authors]

    async def get_author_by_id(self, author_id: int) -> ReadAuthorSchema:
        return ReadAuthorSchema.model_validate(await self.repository.get_by_id(author_id))

    async def update_author(self, author_id: int, request: UpdateAuthorRequest) -> ReadAuthorSchema:
        changes = request.model_dump(exclude_unset=True)
        if not changes:
            return await self.get_author_by_id(author_id)
        return ReadAuthorSchema.model_validate(await self.repository.update(author_id, changes))

    async def delete_author(self, author_id: int) -> None:
        await self.repository.delete(author_id)
