"""HTTP routes for books: parse, call the service, return a schema. Nothing else."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response, status

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


# Swagger's "Try it out" sends the first example: it must succeed on the seeded database.
NEW_BOOK_EXAMPLE = {
    "title": "Demian",
    "author_id": 1,
    "isbn": "978-0-06-093191-9",
    "publication_date": "1919-01-01",
}
IMPORT_EXAMPLE_ISBN = "978-0-553-27586-5"  # Narcissus and Goldmund, Bantam Classics


@router.post(
    "/",
    status_code=status.HTTP_201_CREATED,
    description="Create a book. The ISBN is stored without hyphens or spaces and must be new: "
    "the example succeeds once on the seeded database (author 1 is Hermann Hesse), and running "
    "it again answers 409, because that ISBN now exists.",
    responses=error_responses(400, 409),
)
async def create_book(
    request: Annotated[
        CreateBookRequest,
        Body(
            openapi_examples={
                "new_book": {
                    "summary": "A book by the seeded author",
                    "description": "201 the first time; 409 after that (the ISBN exists).",
                    "value": NEW_BOOK_EXAMPLE,
                }
            }
        ),
    ],
    service: BookServiceDep,
) -> ReadBookSchema:
    return await service.create_book(request)


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    description="Create a book (and its author, if new) from its ISBN, looked up in Open Library: "
    "needs the internet (503 when Open Library cannot be reached); 409 once the ISBN exists.",
    responses=error_responses(400, 404, 409, 503),
)
async def import_book(
    request: Annotated[
        ImportBookRequest,
        Body(
            openapi_examples={
                "real_isbn": {
                    "summary": "A real ISBN (needs Open Library)",
                    "description": "Narcissus and Goldmund by Hermann Hesse; looked up at "
                    "openlibrary.org, so it needs the internet.",
                    "value": {"isbn": IMPORT_EXAMPLE_ISBN},
                }
            }
        ),
    ],
    service: BookServiceDep,
    catalogue: Annotated[BookCatalogue, Depends(get_open_library_client)],
) -> ReadBookSchema:
    return await service.import_book(request.isbn, catalogue)


@router.get("/{book_id:int}", description="One book by id.", responses=error_responses(404))
async def get_book(book_id: BookId, service: BookServiceDep) -> ReadBookSchema:
    return await service.get_book_by_id(book_id)


@router.patch(
    "/{book_id:int}",
    description="Change some of a book's fields, validated as on create.",
    responses=error_responses(400, 404, 409),
)
async def update_book(
    book_id: BookId, request: UpdateBookRequest, service: BookServiceDep
) -> ReadBookSchema:
    return await service.update_book(book_id, request)


@router.delete(
    "/{book_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,  # no body, so no content-type (JSONResponse would claim JSON)
    description="Delete a book.",
    responses=error_responses(404),
)
async def delete_book(book_id: BookId, service: BookServiceDep) -> None:
    await service.delete_book(book_id)
