"""Exercise 07: ``await transfer_books(a, b)`` changes both steps or neither.

Step two (deleting the first author) is made to fail inside the database itself, with a trigger,
so the check does not depend on how the learner wrote the steps.
"""

from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from workshop.grading.checks import calling, fail

EXERCISE = "ex07_atomic_transfer"
MESSAGE = "grading: step two made to fail"
CREATE_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER grading_block_author_delete BEFORE DELETE ON authors_author "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION grading_block_delete() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$",
        "CREATE TRIGGER grading_block_author_delete BEFORE DELETE ON authors_author "
        "FOR EACH ROW EXECUTE FUNCTION grading_block_delete()",
    ],
}
DROP_TRIGGER = {
    "sqlite": ["DROP TRIGGER IF EXISTS grading_block_author_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS grading_block_author_delete ON authors_author",
        "DROP FUNCTION IF EXISTS grading_block_delete()",
    ],
}


@pytest.fixture
def authors(db: None) -> tuple[int, int, int]:
    """Two authors with books (2 and 1) and a third without: returns their ids."""
    from app.authors.models import Author
    from app.books.models import Book

    ids = []
    for number, books in enumerate((2, 1, 0)):
        author = Author.objects.create(name=f"Author {number}")
        for book in range(books):
            Book.objects.create(
                title=f"Book {number}.{book}", author=author,
                isbn=f"{9780000000000 + 10 * number + book}", publication_date=date(2000, 1, 1),
            )  # fmt: skip
        ids.append(author.pk)
    return ids[0], ids[1], ids[2]


@pytest.fixture
def step_two_fails(authors: tuple[int, int, int]) -> Iterator[None]:
    with connection.cursor() as cursor:
        for statement in CREATE_TRIGGER[connection.vendor]:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in DROP_TRIGGER[connection.vendor]:
            cursor.execute(statement)


def state() -> dict[str, Any]:
    from app.authors.models import Author
    from app.books.models import Book

    return {
        "authors": sorted(Author.objects.values_list("pk", flat=True)),
        "books": sorted(Book.objects.values_list("title", "author_id")),
    }


def transfer(module: ModuleType, from_id: int, to_id: int) -> tuple[Any, BaseException | None]:
    """Run ``await transfer_books(...)`` in an event loop; returns (result, error)."""
    with calling(EXERCISE, "transfer_books()"):
        try:
            return async_to_sync(module.transfer_books)(from_id, to_id), None
        except NotImplementedError:
            raise
        except Exception as error:
            return None, error


def test_moves_the_books_and_deletes_the_author(
    module: ModuleType, authors: tuple[int, int, int]
) -> None:
    first, second, third = authors
    moved, error = transfer(module, first, second)
    if error is not None:
        fail(
            EXERCISE,
            "error",
            f"transfer_books({first}, {second}) raised {type(error).__name__}: {error}",
        )
    expected = {
        "authors": [second, third],
        "books": sorted([("Book 0.0", second), ("Book 0.1", second), ("Book 1.0", second)]),
    }
    if state() != expected:
        fail(
            EXERCISE,
            "wrong",
            f"after the transfer the database holds {state()}, expected {expected}",
        )
    if moved != 2:
        fail(
            EXERCISE, "wrong", f"transfer_books() should return 2 (books moved), returned {moved!r}"
        )


def test_a_failing_step_two_changes_nothing(
    module: ModuleType, authors: tuple[int, int, int], step_two_fails: None
) -> None:
    first, second, _ = authors
    before = state()
    _, error = transfer(module, first, second)
    if error is None:
        fail(
            EXERCISE,
            "wrong",
            "deleting the author was made to fail, yet transfer_books() raised nothing",
        )
    if state() != before:
        fail(
            EXERCISE, "half-done",
            "step two failed but step one stayed done (the books changed author): run both steps "
            "in ONE sync function inside transaction.atomic(), called with sync_to_async",
        )  # fmt: skip


def test_a_missing_author_raises_not_found_and_changes_nothing(
    module: ModuleType, authors: tuple[int, int, int]
) -> None:
    from app.exceptions import NotFound

    first, _, _ = authors
    before = state()
    for from_id, to_id in ((first, 4242), (4242, first)):
        _, error = transfer(module, from_id, to_id)
        if not isinstance(error, NotFound):
            fail(
                EXERCISE,
                "wrong",
                f"transfer_books({from_id}, {to_id}) should raise NotFound, got {error!r}",
            )
        if state() != before:
            fail(EXERCISE, "half-done", f"transfer_books({from_id}, {to_id}) changed the database")


def test_the_same_author_twice_raises_value_error(
    module: ModuleType, authors: tuple[int, int, int]
) -> None:
    first, _, _ = authors
    before = state()
    _, error = transfer(module, first, first)
    if not isinstance(error, ValueError) or state() != before:
        fail(
            EXERCISE, "wrong",
            f"transfer_books({first}, {first}) should raise ValueError and change nothing; got "
            f"{error!r}",
        )  # fmt: skip
