"""The books API against a real database, through TestClient."""

import pytest
from deepdiff import DeepDiff

SIDDHARTHA = {
    "id": 1,
    "title": "Siddhartha",
    "author_id": 1,
    "isbn": "9780553208849",
    "publication_date": "1922-01-01",
}
NEW_BOOK = {
    "title": "Demian",
    "author_id": 1,
    "isbn": "978-0-06-093191-9",
    "publication_date": "1919-01-01",
}


def test_list_returns_exactly_the_fields_of_the_contract(client, seeded):
    books = client.get("/v0/books/").json()
    assert DeepDiff(books[0], SIDDHARTHA) == {}
    assert [book["title"] for book in books] == [
        "Siddhartha",
        "Steppenwolf",
        "The Glass Bead Game",
    ]


def test_list_pages_with_skip_and_limit(client, seeded):
    titles = [book["title"] for book in client.get("/v0/books/?skip=1&limit=1").json()]
    assert titles == ["Steppenwolf"]


def test_list_filters_by_author(client, seeded):
    other = client.post("/v0/authors/", json={"name": "Thomas Mann"}).json()
    client.post("/v0/books/", json={**NEW_BOOK, "author_id": other["id"]})
    books = client.get(f"/v0/books/?author_id={other['id']}").json()
    assert [book["title"] for book in books] == ["Demian"]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "skip=-1", "author_id=0", "limit=x"])
def test_list_rejects_out_of_bounds_paging(client, query):
    assert client.get(f"/v0/books/?{query}").status_code == 422


def test_create_returns_201_and_the_normalised_book(client, seeded):
    response = client.post("/v0/books/", json=NEW_BOOK)
    assert response.status_code == 201
    expected = {**NEW_BOOK, "id": 4, "isbn": "9780060931919"}
    assert DeepDiff(response.json(), expected) == {}
    assert DeepDiff(client.get("/v0/books/4").json(), expected) == {}


def test_isbn10_may_end_in_x(client, seeded):
    response = client.post("/v0/books/", json={**NEW_BOOK, "isbn": "0-8044-2957-x"})
    assert (response.status_code, response.json()["isbn"]) == (201, "080442957X")


@pytest.mark.parametrize("isbn", ["12345", "97805532088490", "978055320884X", "abcdefghij"])
def test_invalid_isbn_is_422(client, seeded, isbn):
    response = client.post("/v0/books/", json={**NEW_BOOK, "isbn": isbn})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "isbn"]


def test_duplicate_isbn_is_409_and_nothing_is_created(client, seeded):
    response = client.post("/v0/books/", json={**NEW_BOOK, "isbn": "978-0553208849"})
    assert response.status_code == 409
    assert response.json() == {"detail": "A book with ISBN 9780553208849 already exists"}
    assert len(client.get("/v0/books/").json()) == 3


def test_unknown_author_is_422_naming_it(client, seeded):
    response = client.post("/v0/books/", json={**NEW_BOOK, "author_id": 999})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "author_id"]
    assert "999" in error["msg"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {**NEW_BOOK, "title": ""},
        {**NEW_BOOK, "publication_date": "1919-13-01"},
        {**NEW_BOOK, "author_id": "one"},
        {**NEW_BOOK, "author_id": 2**70},
    ],
)
def test_invalid_bodies_are_422(client, seeded, body):
    assert client.post("/v0/books/", json=body).status_code == 422


def test_malformed_json_is_422(client):
    response = client.post(
        "/v0/books/", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422


def test_missing_book_is_404_with_json_detail(client):
    response = client.get("/v0/books/42")
    assert (response.status_code, response.json()) == (404, {"detail": "Book 42 not found"})


@pytest.mark.parametrize("book_id", ["0", str(2**64)])
def test_impossible_ids_are_422(client, book_id):
    assert client.get(f"/v0/books/{book_id}").status_code == 422


@pytest.mark.parametrize("book_id", ["-1", "abc"])
def test_a_segment_that_is_no_number_names_no_book_route(client, book_id):
    """`{book_id:int}` matches digits only, so `/v0/books/import` is never read as a book id."""
    assert client.get(f"/v0/books/{book_id}").json() == {"detail": "Not Found"}


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "PUT"])
def test_other_methods_on_import_are_405_not_a_book_id_422(client, method):
    response = client.request(method, "/v0/books/import", json={"title": "x"})
    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/v0/books/1", "DELETE, GET, PATCH"),
        ("POST", "/v0/books/1", "DELETE, GET, PATCH"),
        ("PUT", "/v0/books/", "GET, POST"),
        ("DELETE", "/v0/books/", "GET, POST"),
    ],
)
def test_a_405_lists_every_method_of_the_path(client, method, path, allow):
    response = client.request(method, path)
    assert (response.status_code, response.headers["allow"]) == (405, allow)


def test_a_204_carries_no_content_type(client, seeded):
    response = client.delete("/v0/books/1")
    assert (response.status_code, response.content) == (204, b"")
    assert "content-type" not in response.headers
    assert "content-length" not in response.headers


def test_patch_changes_only_the_fields_sent(client, seeded):
    response = client.patch("/v0/books/1", json={"title": "Siddhartha: An Indian Tale"})
    assert response.status_code == 200
    assert DeepDiff(response.json(), {**SIDDHARTHA, "title": "Siddhartha: An Indian Tale"}) == {}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"title": None}, 422),
        ({"title": ""}, 422),
        ({"isbn": "123"}, 422),
        ({"author_id": 999}, 422),
        ({"isbn": "9783518031599"}, 409),  # Steppenwolf's
    ],
)
def test_patch_is_validated_like_create(client, seeded, body, status):
    assert client.patch("/v0/books/1", json=body).status_code == status
    assert DeepDiff(client.get("/v0/books/1").json(), SIDDHARTHA) == {}


def test_patch_missing_book_is_404(client):
    assert client.patch("/v0/books/9", json={"title": "x"}).status_code == 404


def test_delete_is_204_then_404(client, seeded):
    assert client.delete("/v0/books/1").status_code == 204
    assert client.get("/v0/books/1").status_code == 404
    assert client.delete("/v0/books/1").status_code == 404
