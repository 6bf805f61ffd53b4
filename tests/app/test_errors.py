"""app/errors.py: one handler per status, the same JSON body whoever raised the error.

The probe app below raises each kind of failure the way real code does (a repository's domain
exception, or Django's own exception left to propagate, as exercise 02 does), with the same
handlers, middleware and route class as the Books App.
"""

from collections.abc import Iterator

import pytest
from django.db import IntegrityError, OperationalError
from fastapi import APIRouter, FastAPI
from starlette.testclient import TestClient

from app.authors.models import Author
from app.db import DjangoDatabaseMiddleware, DjangoRoute
from app.errors import as_not_found, install_error_handlers
from app.exceptions import Conflict, NotFound, UpstreamUnavailable

probe = APIRouter(prefix="/probe", route_class=DjangoRoute)


@probe.get("/authors/{author_id}")
async def author_by_django(author_id: int) -> str:
    """Lets ``Author.DoesNotExist`` propagate, as exercise 02's solution does."""
    return (await Author.objects.aget(pk=author_id)).name


@probe.get("/conflict/{kind}")
async def conflict(kind: str) -> None:
    if kind == "domain":
        raise Conflict("A book with ISBN 9780553208849 already exists")
    raise IntegrityError("UNIQUE constraint failed: books_book.isbn")


@probe.get("/unavailable/{kind}")
async def unavailable(kind: str) -> None:
    if kind == "upstream":
        raise UpstreamUnavailable("Open Library did not answer in time")
    raise OperationalError("connection refused")


@pytest.fixture
def probe_client(db: None) -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(probe)
    install_error_handlers(app)
    app.add_middleware(DjangoDatabaseMiddleware)
    with TestClient(app) as client:
        yield client


def test_one_404_message_whoever_raised_it(probe_client: TestClient, client: TestClient) -> None:
    """Exercise 02's way (Django's DoesNotExist) and the API's repository (NotFound) agree."""
    by_django = probe_client.get("/probe/authors/4242")
    by_repository = client.get("/v0/authors/4242")
    assert by_django.status_code == by_repository.status_code == 404
    assert by_django.json() == by_repository.json() == {"detail": "Author 4242 not found"}


def test_not_found_is_a_kind_of_djangos_does_not_exist() -> None:
    """Why one handler suffices: the domain's NotFound takes Django's road."""
    from django.core.exceptions import ObjectDoesNotExist

    assert issubclass(NotFound, ObjectDoesNotExist)


def test_the_message_names_no_id_it_cannot_know() -> None:
    """A DoesNotExist whose model has no `<model>_id` path parameter: no invented id."""
    assert as_not_found(Author.DoesNotExist(), {"book_id": 3}).message == "Author not found"
    assert as_not_found(Author.DoesNotExist(), {"author_id": 3}).message == "Author 3 not found"
    assert as_not_found(NotFound("Book", 7), {"author_id": 3}).message == "Book 7 not found"


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        ("domain", "A book with ISBN 9780553208849 already exists"),
        ("database", "Conflicts with existing data"),
    ],
)
def test_409_from_the_domain_or_the_database(
    probe_client: TestClient, kind: str, detail: str
) -> None:
    response = probe_client.get(f"/probe/conflict/{kind}")
    assert (response.status_code, response.json()) == (409, {"detail": detail})


def test_503_from_open_library_or_the_database(probe_client: TestClient) -> None:
    upstream = probe_client.get("/probe/unavailable/upstream")
    assert (upstream.status_code, upstream.json()) == (
        503,
        {"detail": "Open Library did not answer in time"},
    )
    database = probe_client.get("/probe/unavailable/database")
    assert database.status_code == 503
    assert database.json() == {"detail": "The database is unavailable; try again shortly"}
    assert database.headers["retry-after"] == "5"


def test_405_lists_the_methods_of_the_probe_path(probe_client: TestClient) -> None:
    response = probe_client.post("/probe/authors/1")
    assert (response.status_code, response.headers["allow"]) == (405, "GET")
    assert response.json() == {"detail": "Method Not Allowed"}
