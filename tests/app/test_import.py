"""POST /v0/books/import: the talk's external service, replaced by an AsyncMock through
``app.dependency_overrides``, and once for real against a fake Open Library on 127.0.0.1."""

import threading
from collections.abc import Iterator
from datetime import date
from unittest.mock import AsyncMock

import httpx2
import pytest

from app.books.dependencies import get_open_library_client
from app.books.openlibrary import CatalogueEntry, OpenLibraryClient
from app.exceptions import UpstreamUnavailable
from tests.fake_open_library import OpenLibraryHandler, serving

DEMIAN = CatalogueEntry("Demian", "Hermann Hesse", date(1919, 1, 1))


@pytest.fixture
def catalogue(app) -> AsyncMock:
    mock = AsyncMock()
    app.dependency_overrides[get_open_library_client] = lambda: mock
    return mock


def test_import_creates_book_and_reuses_the_existing_author(client, seeded, catalogue):
    catalogue.find_by_isbn.return_value = DEMIAN
    response = client.post("/v0/books/import", json={"isbn": "978-0-06-093191-9"})
    assert response.status_code == 201
    assert response.json() == {
        "id": 4,
        "title": "Demian",
        "author_id": 1,
        "isbn": "9780060931919",
        "publication_date": "1919-01-01",
    }
    catalogue.find_by_isbn.assert_awaited_once_with("9780060931919")
    assert len(client.get("/v0/authors/").json()) == 1


def test_import_creates_a_new_author(client, catalogue):
    catalogue.find_by_isbn.return_value = CatalogueEntry(
        "Buddenbrooks", "Thomas Mann", date(1901, 1, 1)
    )
    response = client.post("/v0/books/import", json={"isbn": "9780679752608"})
    assert response.status_code == 201
    assert client.get("/v0/authors/").json()[0]["name"] == "Thomas Mann"


def test_unknown_isbn_is_404(client, catalogue):
    catalogue.find_by_isbn.return_value = None
    response = client.post("/v0/books/import", json={"isbn": "9780060931919"})
    assert (response.status_code, response.json()) == (
        404,
        {"detail": "Book with ISBN 9780060931919 not found"},
    )


def test_isbn_already_here_is_409_without_asking_upstream(client, seeded, catalogue):
    response = client.post("/v0/books/import", json={"isbn": "9780553208849"})
    assert response.status_code == 409
    catalogue.find_by_isbn.assert_not_awaited()


def test_upstream_down_is_503_and_nothing_is_created(client, catalogue):
    catalogue.find_by_isbn.side_effect = UpstreamUnavailable("Open Library did not answer in time")
    response = client.post("/v0/books/import", json={"isbn": "9780060931919"})
    assert (response.status_code, response.json()) == (
        503,
        {"detail": "Open Library did not answer in time"},
    )
    assert client.get("/v0/books/").json() == []


def test_invalid_isbn_is_422_before_any_lookup(client, catalogue):
    assert client.post("/v0/books/import", json={"isbn": "12"}).status_code == 422
    catalogue.find_by_isbn.assert_not_awaited()


# --- The real client against a small fake Open Library ------------------------------------


class FakeOpenLibrary(OpenLibraryHandler):
    """Answers /api/books like Open Library; ISBN 9780000000002 hangs to exercise the timeout."""

    known = {
        "ISBN:9780060931919": {
            "title": "Demian",
            "authors": [{"name": "Hermann Hesse", "url": "https://openlibrary.org/authors/x"}],
            "publish_date": "March 1919",
        }
    }
    release = threading.Event()

    def do_GET(self) -> None:
        key = self.bibkey()
        if key == "ISBN:9780000000002":
            self.release.wait(timeout=5)
        if key == "ISBN:9780000000003":
            self.send_response(500)
            self.end_headers()
            return
        super().do_GET()

    def record(self, key: str) -> dict[str, object] | None:
        return self.known.get(key)


@pytest.fixture
def open_library() -> Iterator[str]:
    FakeOpenLibrary.release.clear()
    with serving(FakeOpenLibrary) as url:
        yield url
        FakeOpenLibrary.release.set()


@pytest.fixture
def real_client_to(app):
    """Wire the real OpenLibraryClient to ``base_url`` with a short timeout."""

    def wire(base_url: str, timeout: float = 2.0) -> None:
        async def real_client():
            async with httpx2.AsyncClient(base_url=base_url, timeout=timeout) as http:
                yield OpenLibraryClient(http)

        app.dependency_overrides[get_open_library_client] = real_client

    return wire


def test_real_client_imports_from_fake_open_library(client, open_library, real_client_to):
    real_client_to(open_library)
    response = client.post("/v0/books/import", json={"isbn": "9780060931919"})
    assert response.status_code == 201
    assert response.json()["publication_date"] == "1919-03-01"


def test_real_client_unknown_isbn_is_404(client, open_library, real_client_to):
    real_client_to(open_library)
    assert client.post("/v0/books/import", json={"isbn": "9780000000001"}).status_code == 404


@pytest.mark.parametrize("isbn", ["9780000000002", "9780000000003"])
def test_real_client_slow_or_failing_upstream_is_503(client, open_library, real_client_to, isbn):
    real_client_to(open_library, timeout=0.3)
    response = client.post("/v0/books/import", json={"isbn": isbn})
    assert response.status_code == 503
    assert "Open Library" in response.json()["detail"]


def test_unreachable_upstream_is_503(client, real_client_to):
    from tests.servers import free_port

    real_client_to(f"http://127.0.0.1:{free_port()}")
    response = client.post("/v0/books/import", json={"isbn": "9780060931919"})
    assert response.status_code == 503


@pytest.mark.anyio
async def test_default_provider_is_the_real_client_on_the_configured_url(settings):
    settings.OPEN_LIBRARY_URL = "http://127.0.0.1:9"
    settings.OPEN_LIBRARY_TIMEOUT = 1.5
    provider = get_open_library_client()
    client = await anext(provider)
    assert isinstance(client, OpenLibraryClient)
    assert str(client.http.base_url) == "http://127.0.0.1:9"
    assert client.http.timeout.read == 1.5
    await provider.aclose()
    assert client.http.is_closed
