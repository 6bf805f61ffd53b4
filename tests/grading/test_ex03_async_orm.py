"""Exercise 03: a repository on the async ORM that returns books with their author loaded.

The repository is called from a real event loop (``async_to_sync``), where a lazy ``book.author``
query raises ``SynchronousOnlyOperation``; its async ORM queries run back on the test's thread,
so they can be counted.
"""

from collections.abc import Callable, Coroutine
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from workshop.grading.apps import app_with_router, client_for
from workshop.grading.checks import calling, fail

EXERCISE = "ex03_async_orm"


@pytest.fixture
def repository(module: ModuleType) -> Any:
    return module.BookWithAuthorRepository()


def make_books(count: int, first: int = 0) -> list[int]:
    """``count`` books, each by an author of its own; returns the books' ids in order."""
    from app.authors.models import Author
    from app.books.models import Book

    ids = []
    for number in range(first, first + count):
        author = Author.objects.create(name=f"Author {number}")
        book = Book.objects.create(
            title=f"Book {number}", author=author, isbn=f"{9780000000000 + number}",
            publication_date=date(2000, 1, 1),
        )  # fmt: skip
        ids.append(book.pk)
    return ids


def run_async(what: str, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Await ``make()`` in an event loop, the way a FastAPI route would."""
    from django.core.exceptions import SynchronousOnlyOperation

    async def call() -> Any:
        result = await make()
        books = result if isinstance(result, list) else [result]
        try:
            # What a route's response model does: read the relation, in async code.
            [(book.pk, book.title, book.author.name) for book in books]
        except SynchronousOnlyOperation:
            return SynchronousOnlyOperation
        return result

    with calling(EXERCISE, what):
        result = async_to_sync(call)()
    if result is SynchronousOnlyOperation:
        fail(
            EXERCISE, "lazy",
            f"{what} returned books whose author is not loaded: reading book.author in async code "
            "ran a query and raised SynchronousOnlyOperation; load it in the same query "
            "(select_related)",
        )  # fmt: skip
    return result


def test_list_returns_books_with_authors_in_async_code(db: None, repository: Any) -> None:
    ids = make_books(3)
    books = run_async("BookWithAuthorRepository.list()", lambda: repository.list())
    found = [(book.pk, book.title, book.author.name) for book in books]
    expected = [(ids[n], f"Book {n}", f"Author {n}") for n in range(3)]
    if found != expected:
        fail(EXERCISE, "wrong", f"list() should give {expected} (id order), got {found}")


def test_list_pages_with_skip_and_limit(db: None, repository: Any) -> None:
    ids = make_books(5)
    books = run_async("list(skip=1, limit=2)", lambda: repository.list(skip=1, limit=2))
    if [book.pk for book in books] != ids[1:3]:
        fail(EXERCISE, "wrong", f"list(skip=1, limit=2) should give the books {ids[1:3]}")


def test_list_runs_a_fixed_number_of_queries(db: None, repository: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for_listing() -> int:
        with CaptureQueriesContext(connection) as captured:
            books = run_async("list()", lambda: repository.list(limit=50))
            [book.author.name for book in books]  # any lazy query would be counted here
        return len(captured)

    make_books(2)
    few = queries_for_listing()
    make_books(6, first=2)
    many = queries_for_listing()
    if many != few:
        fail(
            EXERCISE, "n+1",
            f"listing 2 books took {few} queries, listing 8 took {many}: a query per book; fetch "
            "the authors with the books (select_related)",
        )  # fmt: skip


def test_get_by_id_returns_the_book_with_its_author(db: None, repository: Any) -> None:
    ids = make_books(2)
    book = run_async("get_by_id()", lambda: repository.get_by_id(ids[1]))
    if (book.pk, book.author.name) != (ids[1], "Author 1"):
        fail(EXERCISE, "wrong", f"get_by_id({ids[1]}) returned another book: {book.pk}")


def test_get_by_id_of_a_missing_book_raises_not_found(db: None, repository: Any) -> None:
    from app.exceptions import NotFound

    with calling(EXERCISE, "get_by_id()"):
        try:
            async_to_sync(repository.get_by_id)(4242)
        except NotFound:
            return
        except NotImplementedError:
            raise
        except Exception as error:
            fail(
                EXERCISE, "wrong",
                f"get_by_id() of a missing id should raise app.exceptions.NotFound, not "
                f"{type(error).__name__}",
            )  # fmt: skip
    fail(EXERCISE, "wrong", "get_by_id() of a missing id returned instead of raising NotFound")


def test_route_serialises_books_with_authors(db: None, module: ModuleType) -> None:
    ids = make_books(2)
    client = client_for(app_with_router(EXERCISE, module))
    with calling(EXERCISE, "GET /exercise03/books"):
        response = client.get("/exercise03/books")
    if response.status_code != 200:
        fail(EXERCISE, "wrong", f"GET /exercise03/books answered {response.status_code}")
    authors = [(book["id"], book["author"]["name"]) for book in response.json()]
    if authors != [(ids[0], "Author 0"), (ids[1], "Author 1")]:
        fail(EXERCISE, "wrong", f"GET /exercise03/books gave {authors}")
