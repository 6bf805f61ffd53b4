"""HTTP routes for books: parse, call the service, return a schema. Nothing else."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.books.dependencies import get_book_service, get_open_library_client
from app.books.schemas import (
    CreateBookRequest,
    ImportBookRequest,
    ReadBookSchema,
    UpdateBookRequest,
)
from app.books.services import BookCatalogue, BookService
from app.db import DjangoRoute
from app.errors import error_responses
from app.fields import MAX_DATABASE_ID, BookId, BookLimit, BookSkip

router = APIRouter(prefix="/v0/books", tags=["Books"], route_class=DjangoRoute)

BookServiceDep = Annotated[BookService, Depends(get_book_service)]
AuthorFilter = Annotated[
    int | None, Query(gt=0, le=MAX_DATABASE_ID, description="Only this author's books")
]


@router.get("/", description="List books, oldest first, a page at a time; filter by author.")
async def list_books(
    service: BookServiceDep,
    skip: BookSkip = 0,
    limit: BookLimit = 20,
    author_id: AuthorFilter = None,
) -> list[ReadBookSchema]:
    return await service.get_all_books(skip=skip, limit=limit, author_id=author_id)


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    description="Create a book. The ISBN is stored without hyphens or spaces and must be new.",
    responses=error_responses(400, 409),
)
async def create_book(request: CreateBookRequest, service: BookServiceDep) -> ReadBookSchema:
    return await service.create_book(request)


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    description="Create a book (and its author, if new) from its ISBN, looked up in Open Library.",
    responses=error_responses(400, 404, 409, 503),
)
async def import_book(
    request: ImportBookRequest,
    service: BookServiceDep,
    catalogue: Annotated[BookCatalogue, Depends(get_open_library_client)],
) -> ReadBookSchema:
    return await service.import_book(request.isbn, catalogue)


@router.get("/{book_id}", description="One book by id.", responses=error_responses(404))
async def get_book(book_id: BookId, service: BookServiceDep) -> ReadBookSchema:
    return await service.get_book_by_id(book_id)


@router.patch(
    "/{book_id}",
    description="Change some of a book's fields, validated as on create.",
    responses=error_responses(400, 404, 409),
)
async def update_book(
    book_id: BookId, request: UpdateBookRequest, service: BookServiceDep
) -> ReadBookSchema:
    return await service.update_book(book_id, request)


@router.delete(
    "/{book_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    description="Delete a book.",
    responses=error_responses(404),
)
async def delete_book(book_id: BookId, service: BookServiceDep) -> None:
    await service.delete_book(book_id)
