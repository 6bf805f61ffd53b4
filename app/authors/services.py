"""Business rules for authors. Knows nothing of HTTP: it takes any object shaped like
:class:`AuthorRepository`, so a unit test can hand it an in-memory fake."""

from typing import Any, Protocol

from app.authors.schemas import CreateAuthorRequest, ReadAuthorSchema, UpdateAuthorRequest


class AuthorRepository(Protocol):
    async def create(self, name: str, bio: str) -> Any: ...
    async def get_by_id(self, author_id: int) -> Any: ...
    async def list(self, skip: int, limit: int) -> list[Any]: ...
    async def update(self, author_id: int, changes: dict[str, Any]) -> Any: ...
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
