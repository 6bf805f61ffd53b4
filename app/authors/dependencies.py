"""FastAPI providers that wire repository -> service. Tests swap them with
``app.dependency_overrides``. They are ``async def`` on purpose: FastAPI runs a plain ``def``
dependency on a worker thread, a thread hop per request for no benefit."""

from typing import Annotated

from fastapi import Depends

from app.authors.repository import DjangoAuthorRepository
from app.authors.services import AuthorRepository, AuthorService


async def get_author_repository() -> AuthorRepository:
    return DjangoAuthorRepository()


async def get_author_service(
    repository: Annotated[AuthorRepository, Depends(get_author_repository)],
) -> AuthorService:
    return AuthorService(repository=repository)
