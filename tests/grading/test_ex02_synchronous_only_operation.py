"""Exercise 02: the route must answer rows, not SynchronousOnlyOperation (500)."""

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.grading.apps import app_with_router, client_for
from tests.grading.support import calling, fail, load_exercise

EXERCISE = "ex02_synchronous_only_operation"
URL = "/exercise02/authors/{}/books"


@pytest.fixture(scope="module")
def module(target: Path) -> ModuleType:
    return load_exercise(target, EXERCISE)


@pytest.fixture(scope="module")
def api(module: ModuleType) -> FastAPI:
    return app_with_router(EXERCISE, module)


@pytest.fixture
def client(db: None, api: FastAPI) -> Iterator[TestClient]:
    unsafe_before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    yield client_for(api)
    if os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") != unsafe_before:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        fail(
            EXERCISE, "unsafe",
            "the fix set DJANGO_ALLOW_ASYNC_UNSAFE: that hides the error instead of fixing it",
        )  # fmt: skip


def get(client: TestClient, author_id: int):
    with calling(EXERCISE, f"GET {URL.format(author_id)}"):
        return client.get(URL.format(author_id))


def check_not_unsafe() -> None:
    if os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"):
        fail(
            EXERCISE, "unsafe",
            "DJANGO_ALLOW_ASYNC_UNSAFE is set: it hides SynchronousOnlyOperation instead of fixing "
            "it; use the async ORM, sync_to_async or a def route",
        )  # fmt: skip


def test_answers_the_author_and_the_titles(client: TestClient) -> None:
    from app.authors.models import Author
    from app.seed import seed

    seed()
    hesse = Author.objects.get(name="Hermann Hesse")
    response = get(client, hesse.pk)
    check_not_unsafe()
    if response.status_code != 200:
        fail(EXERCISE, "wrong", f"expected 200, got {response.status_code}: {response.text[:300]}")
    expected = {
        "name": "Hermann Hesse",
        "book_titles": ["Siddhartha", "Steppenwolf", "The Glass Bead Game"],
    }
    if response.json() != expected:
        fail(EXERCISE, "wrong", f"expected {expected}, got {response.json()}")


def test_author_without_books_has_no_titles(client: TestClient) -> None:
    from app.authors.models import Author

    author = Author.objects.create(name="Nobody Yet")
    response = get(client, author.pk)
    check_not_unsafe()
    if response.status_code != 200 or response.json() != {"name": "Nobody Yet", "book_titles": []}:
        fail(
            EXERCISE, "wrong",
            f"an author without books should give 200 with an empty list of titles, got "
            f"{response.status_code}: {response.text[:300]}",
        )  # fmt: skip


def test_unknown_author_is_404(client: TestClient) -> None:
    response = get(client, 4242)
    check_not_unsafe()
    if response.status_code != 404:
        fail(
            EXERCISE, "wrong",
            f"an id that names no author should give 404, got {response.status_code}; let "
            "Author.DoesNotExist propagate (app.errors maps it to 404)",
        )  # fmt: skip
