"""Solution to exercise 02: the route without SynchronousOnlyOperation.

Both queries use the async ORM (``aget``, ``async for``), so nothing touches the database from the
event loop's thread. A plain ``def`` route would work too (``DjangoRoute`` runs it on the request's
thread); setting DJANGO_ALLOW_ASYNC_UNSAFE would only hide the error.
"""

from fastapi import APIRouter
from pydantic import BaseModel

from app.authors.models import Author
from app.books.models import Book
from app.db import DjangoRoute

router = APIRouter(prefix="/exercise02", tags=["Exercise 02"], route_class=DjangoRoute)


class AuthorBooks(BaseModel):
    name: str
    book_titles: list[str]


@router.get("/authors/{author_id}/books")
async def author_books(author_id: int) -> AuthorBooks:
    """The author's name and their books' titles, A to Z. Unknown id: 404 (app.errors)."""
    author = await Author.objects.aget(pk=author_id)
    titles = (
        Book.objects.filter(author_id=author.pk).order_by("title").values_list("title", flat=True)
    )
    return AuthorBooks(name=author.name, book_titles=[title async for title in titles])
