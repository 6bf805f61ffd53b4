"""Solution to exercise 03: a repository on the async ORM, with the author fetched up front.

``select_related("author")`` joins the author into the same query, so building
``ReadBookWithAuthorSchema`` later (in an ``async def`` route) reads a cached object instead of
running a lazy query from the event loop.
"""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from app.authors.schemas import ReadAuthorSchema
from app.books.models import Book
from app.db import DjangoRoute
from app.exceptions import NotFound


class ReadBookWithAuthorSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    author: ReadAuthorSchema  # a relation: read from book.author


class BookWithAuthorRepository:
    async def list(self, skip: int = 0, limit: int = 20) -> list[Book]:
        books = Book.objects.select_related("author").order_by("id")[skip : skip + limit]
        return [book async for book in books]

    async def get_by_id(self, book_id: int) -> Book:
        try:
            return await Book.objects.select_related("author").aget(pk=book_id)
        except Book.DoesNotExist:
            raise NotFound("Book", book_id) from None


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
