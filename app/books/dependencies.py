"""FastAPI providers that wire repository -> service, and the Open Library client.

``async def`` on purpose: a plain ``def`` dependency costs a worker-thread hop per request."""

from collections.abc import AsyncIterator
from typing import Annotated

import httpx2
from django.conf import settings
from fastapi import Depends

from app.books.openlibrary import OpenLibraryClient
from app.books.repository import DjangoBookRepository
from app.books.services import BookCatalogue, BookRepository, BookService


async def get_book_repository() -> BookRepository:
    return DjangoBookRepository()


async def get_book_service(
    repository: Annotated[BookRepository, Depends(get_book_repository)],
) -> BookService:
    return BookService(repository=repository)


async def get_open_library_client() -> AsyncIterator[BookCatalogue]:
    """One HTTP client per import request, closed afterwards; the timeout bounds a slow upstream."""
    async with httpx2.AsyncClient(
        base_url=settings.OPEN_LIBRARY_URL, timeout=settings.OPEN_LIBRARY_TIMEOUT
    ) as http:
        yield OpenLibraryClient(http)
