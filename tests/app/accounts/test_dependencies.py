"""Unit tests: the routes with the current user replaced through ``app.dependency_overrides``
(lesson 04), and a repository in memory. No session, no login, no database."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from app.accounts.dependencies import (
    check_csrf,
    get_current_user,
    get_reading_list_repository,
)
from tests.app.accounts.fakes import FakeReadingListRepository, FakeUser

ALL_LISTS = "accounts.view_readinglistentry"


@pytest.fixture
def repository() -> FakeReadingListRepository:
    repository = FakeReadingListRepository()
    repository.add_book(1, "Siddhartha")
    repository.add_book(2, "Steppenwolf")
    return repository


@pytest.fixture
def unit(app: FastAPI, repository: FakeReadingListRepository) -> Iterator[TestClient]:
    app.dependency_overrides[get_reading_list_repository] = lambda: repository
    app.dependency_overrides[get_current_user] = lambda: FakeUser()
    try:
        yield TestClient(app)
    finally:
        app.dependency_overrides.clear()


def test_me_is_the_overridden_user(unit: TestClient) -> None:
    assert unit.get("/v0/me").json() == {"id": 7, "username": "reader", "is_staff": False}


def test_the_reading_list_is_the_users(
    unit: TestClient, repository: FakeReadingListRepository
) -> None:
    repository.entries.append(repository.entries_for_test(user_id=7, book_id=2))
    repository.entries.append(repository.entries_for_test(user_id=8, book_id=1))
    titles = [entry["book"]["title"] for entry in unit.get("/v0/me/reading-list").json()]
    assert titles == ["Steppenwolf"]


def test_writes_still_need_the_csrf_check_when_the_user_is_overridden(unit: TestClient) -> None:
    """Overriding who is calling does not switch off CSRF: it is a dependency of its own."""
    response = unit.post("/v0/me/reading-list", json={"book_id": 1})
    assert response.status_code == 403


def test_writes_with_csrf_overridden_too(
    unit: TestClient, app: FastAPI, repository: FakeReadingListRepository
) -> None:
    app.dependency_overrides[check_csrf] = lambda: None
    assert unit.post("/v0/me/reading-list", json={"book_id": 1}).status_code == 201
    assert unit.post("/v0/me/reading-list", json={"book_id": 1}).status_code == 409
    assert unit.post("/v0/me/reading-list", json={"book_id": 9}).status_code == 404
    assert [(e.user_id, e.book.id) for e in repository.entries] == [(7, 1)]
    assert unit.delete("/v0/me/reading-list/1").status_code == 204
    assert unit.delete("/v0/me/reading-list/1").status_code == 404


def test_the_permission_dependency_asks_the_user(unit: TestClient, app: FastAPI) -> None:
    assert unit.get("/v0/reading-lists").status_code == 403
    app.dependency_overrides[get_current_user] = lambda: FakeUser(permissions={ALL_LISTS})
    assert unit.get("/v0/reading-lists").status_code == 200


def test_an_override_that_raises_401_is_what_the_client_sees(unit: TestClient, app) -> None:
    from fastapi import HTTPException

    async def nobody() -> None:
        raise HTTPException(401, "Not logged in")

    app.dependency_overrides[get_current_user] = nobody
    assert unit.get("/v0/me").status_code == 401
    assert unit.get("/v0/me/reading-list").status_code == 401
