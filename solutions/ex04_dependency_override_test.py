"""Solution to exercise 04: tests of POST /v0/books/import with the catalogue replaced.

``app.dependency_overrides`` swaps the Open Library client for an ``AsyncMock``: no network, and the
test decides what the catalogue knows. Everything below the override (service, repository,
database) is the real code, so these tests catch bugs in it.
"""

from datetime import date
from unittest.mock import AsyncMock

from starlette.testclient import TestClient

from app.books.dependencies import get_open_library_client
from app.books.openlibrary import CatalogueEntry
from app.main import app

ISBN = "9780553208849"
SIDDHARTHA = CatalogueEntry(
    title="Siddhartha", author_name="Hermann Hesse", publication_date=date(1922, 1, 1)
)


def fake_catalogue(entry: CatalogueEntry | None) -> AsyncMock:
    """A catalogue that knows one book (or none), installed in place of Open Library."""
    catalogue = AsyncMock()
    catalogue.find_by_isbn.return_value = entry
    app.dependency_overrides[get_open_library_client] = lambda: catalogue
    return catalogue


def test_import_creates_the_book_for_an_existing_author(client: TestClient) -> None:
    catalogue = fake_catalogue(SIDDHARTHA)
    author = client.post("/v0/authors/", json={"name": "Hermann Hesse"}).json()

    response = client.post("/v0/books/import", json={"isbn": "978-0-553-20884-9"})

    assert response.status_code == 201, response.text
    book = response.json()
    assert book == {
        "id": book["id"],
        "title": "Siddhartha",
        "author_id": author["id"],
        "isbn": ISBN,
        "publication_date": "1922-01-01",
    }
    catalogue.find_by_isbn.assert_awaited_once_with(ISBN)
    assert client.get(f"/v0/books/{book['id']}").json() == book
    assert len(client.get("/v0/authors/").json()) == 1


def test_import_of_an_unknown_isbn_is_404(client: TestClient) -> None:
    fake_catalogue(None)

    response = client.post("/v0/books/import", json={"isbn": ISBN})

    assert response.status_code == 404, response.text
    assert client.get("/v0/books/").json() == []


def test_import_of_a_stored_isbn_is_409_without_asking_the_catalogue(client: TestClient) -> None:
    catalogue = fake_catalogue(SIDDHARTHA)
    assert client.post("/v0/books/import", json={"isbn": ISBN}).status_code == 201
    catalogue.find_by_isbn.reset_mock()

    response = client.post("/v0/books/import", json={"isbn": ISBN})

    assert response.status_code == 409, response.text
    catalogue.find_by_isbn.assert_not_awaited()
    assert len(client.get("/v0/books/").json()) == 1
