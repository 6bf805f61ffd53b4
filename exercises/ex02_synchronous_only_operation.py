"""Exercise 02 · Fix a route that raises SynchronousOnlyOperation.

Goal: ``GET /exercise02/authors/{author_id}/books`` answers the author's name and the titles of
their books, A to Z. As written below it answers 500: the route is ``async def`` and runs on the
event loop's thread, where Django refuses synchronous ORM calls (``SynchronousOnlyOperation``).
Fix the route so that it:

- answers 200 with ``{"name": ..., "book_titles": [...]}`` (titles sorted A to Z, ``[]`` for an
  author without books);
- answers 404 for an id that names no author (``app.errors`` already maps ``DoesNotExist`` to 404);
- does NOT set ``DJANGO_ALLOW_ASYNC_UNSAFE`` (it hides the error, it does not fix it).

Hints (notebooks/02_synchronous_only_operation.ipynb):
- the section on the error in a route shows this exact failure and its traceback;
- the section on the fixes: the async ORM (``aget``, ``async for``), ``sync_to_async``, or a plain
  ``def`` route; any of them is accepted;
- the section on ``DJANGO_ALLOW_ASYNC_UNSAFE`` explains why it is not a fix.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex02``.
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
    # TODO exercise 02: both queries below raise SynchronousOnlyOperation in an `async def` route.
    author = Author.objects.get(pk=author_id)
    titles = (
        Book.objects.filter(author_id=author.pk).order_by("title").values_list("title", flat=True)
    )
    return AuthorBooks(name=author.name, book_titles=list(titles))
