"""Exercise 02: the route must answer rows, not SynchronousOnlyOperation (500).

The books are stored in an order that is neither A to Z nor Z to A, so only ``order_by("title")``
(or sorting) gives the asked order. ``DJANGO_ALLOW_ASYNC_UNSAFE`` is refused by the grader's
guard (``workshop.grading.guard``) in every exercise, however and whenever it is set.
"""

from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from workshop.grading.apps import client_for
from workshop.grading.checks import calling, fail

EXERCISE = "ex02_synchronous_only_operation"
URL = "/exercise02/authors/{}/books"
# Stored in this order (ids ascending): neither sorted nor reverse-sorted, another author between.
STORED = [
    ("Hermann Hesse", "Steppenwolf"), ("Thomas Mann", "Buddenbrooks"),
    ("Hermann Hesse", "The Glass Bead Game"), ("Hermann Hesse", "Demian"),
    ("Thomas Mann", "The Magic Mountain"), ("Hermann Hesse", "Siddhartha"),
]  # fmt: skip


@pytest.fixture
def client(db: None, api: FastAPI) -> Iterator[TestClient]:
    yield client_for(api)


def store_books() -> dict[str, int]:
    """The books of STORED, in that order; returns each author's id by name."""
    from app.authors.models import Author
    from app.books.models import Book

    authors: dict[str, int] = {}
    for number, (name, title) in enumerate(STORED):
        if name not in authors:
            authors[name] = Author.objects.create(name=name).pk
        Book.objects.create(
            title=title, author_id=authors[name], isbn=f"{9780000000000 + number}",
            publication_date=date(1920, 1, 1),
        )  # fmt: skip
    return authors


def get(client: TestClient, author_id: int):
    with calling(EXERCISE, f"GET {URL.format(author_id)}"):
        return client.get(URL.format(author_id))


def test_answers_the_author_and_the_titles(client: TestClient) -> None:
    hesse = store_books()["Hermann Hesse"]
    response = get(client, hesse)
    if response.status_code != 200:
        fail(EXERCISE, "wrong", f"expected 200, got {response.status_code}: {response.text[:300]}")
    expected = {
        "name": "Hermann Hesse",
        "book_titles": ["Demian", "Siddhartha", "Steppenwolf", "The Glass Bead Game"],
    }
    if response.json() != expected:
        fail(EXERCISE, "wrong", f"expected {expected}, got {response.json()}")


def test_author_without_books_has_no_titles(client: TestClient) -> None:
    from app.authors.models import Author

    author = Author.objects.create(name="Nobody Yet")
    response = get(client, author.pk)
    if response.status_code != 200 or response.json() != {"name": "Nobody Yet", "book_titles": []}:
        fail(
            EXERCISE, "wrong",
            f"an author without books should give 200 with an empty list of titles, got "
            f"{response.status_code}: {response.text[:300]}",
        )  # fmt: skip


def test_unknown_author_is_404(client: TestClient) -> None:
    store_books()
    response = get(client, 4242)
    if response.status_code != 404:
        fail(
            EXERCISE, "wrong",
            f"an id that names no author should give 404, got {response.status_code}; let "
            "Author.DoesNotExist propagate (app.errors maps it to 404)",
        )  # fmt: skip
