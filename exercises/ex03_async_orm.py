"""Exercise 03 · Rewrite a repository with the async ORM, without lazy relation access.

Goal: the routes at the bottom list books *with their author* (``ReadBookWithAuthorSchema`` has
an ``author`` field, read from ``book.author``). The repository they call was written for sync
code:

    class SyncBookWithAuthorRepository:
        def list(self, skip=0, limit=20):
            return list(Book.objects.order_by("id")[skip : skip + limit])
        def get_by_id(self, book_id):
            return Book.objects.get(pk=book_id)

Write ``BookWithAuthorRepository`` with Django's async ORM so that:

- ``await repo.list(skip, limit)`` returns the books in id order, a page at a time;
- ``await repo.get_by_id(book_id)`` returns one book, or raises ``app.exceptions.NotFound``;
- each returned book's ``author`` is already loaded: reading ``book.author`` in async code must
  not query the database (a lazy query there raises ``SynchronousOnlyOperation``);
- listing runs a fixed number of queries however many books there are (no query per book).

Hints (notebooks/03_sync_to_async_vs_aget.ipynb):
- the section on the async ORM API (``aget``, ``async for``);
- the section on lazy relations: the ``get_attribute_error`` / ``ResponseValidationError`` you
  see when ``book.author`` is read during serialisation, and ``select_related`` that fixes it.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex03``.
"""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from app.authors.schemas import ReadAuthorSchema
from app.books.models import Book
from app.db import DjangoRoute


class ReadBookWithAuthorSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    author: ReadAuthorSchema  # a relation: read from book.author


class BookWithAuthorRepository:
    async def list(self, skip: int = 0, limit: int = 20) -> list[Book]:
        # TODO exercise 03: the books in id order, skip/limit applied, authors loaded.
        raise NotImplementedError("TODO exercise 03: write BookWithAuthorRepository.list()")

    async def get_by_id(self, book_id: int) -> Book:
        # TODO exercise 03: one book with its author loaded; NotFound("Book", book_id) if missing.
        raise NotImplementedError("TODO exercise 03: write BookWithAuthorRepository.get_by_id()")


# Given: the routes that use the repository (nothing to change below).
router = APIRouter(prefix="/exercise03", tags=["Exercise 03"], route_class=DjangoRoute)


@router.get("/books")
async def list_books_with_authors(skip: int = 0, limit: int = 20) -> list[ReadBookWithAuthorSchema]:
    books = await BookWithAuthorRepository().list(skip=skip, limit=limit)
    return [ReadBookWithAuthorSchema.model_validate(book) for book in books]


@router.get("/books/{book_id}")
async def get_book_with_author(book_id: int) -> ReadBookWithAuthorSchema:
    return ReadBookWithAuthorSchema.model_validate(
        await BookWithAuthorRepository().get_by_id(book_id)
    )
