"""The authors API against a real database, through TestClient."""

import pytest
from deepdiff import DeepDiff

from app.seed import AUTHOR_BIO


def test_seeded_author(client, seeded):
    expected = [{"id": 1, "name": "Hermann Hesse", "bio": AUTHOR_BIO}]
    assert DeepDiff(client.get("/v0/authors/").json(), expected) == {}


def test_create_without_bio(client):
    response = client.post("/v0/authors/", json={"name": "Thomas Mann"})
    assert response.status_code == 201
    assert response.json() == {"id": 1, "name": "Thomas Mann", "bio": ""}


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": None}, {"bio": "x"}])
def test_invalid_author_is_422(client, body):
    assert client.post("/v0/authors/", json=body).status_code == 422


def test_get_patch_and_missing(client, seeded):
    response = client.patch("/v0/authors/1", json={"bio": "Nobel Prize 1946."})
    assert response.json() == {"id": 1, "name": "Hermann Hesse", "bio": "Nobel Prize 1946."}
    assert client.get("/v0/authors/1").json()["bio"] == "Nobel Prize 1946."
    assert client.patch("/v0/authors/1", json={"name": None}).status_code == 422
    missing = client.get("/v0/authors/2")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Author 2 not found"})


def test_deleting_an_author_with_books_is_409_and_deletes_nothing(client, seeded):
    response = client.delete("/v0/authors/1")
    assert response.status_code == 409
    assert "3 book(s)" in response.json()["detail"]
    assert client.get("/v0/authors/1").status_code == 200
    assert len(client.get("/v0/books/").json()) == 3


def test_deleting_an_author_without_books(client):
    author = client.post("/v0/authors/", json={"name": "Rilke"}).json()
    assert client.delete(f"/v0/authors/{author['id']}").status_code == 204
    assert client.delete(f"/v0/authors/{author['id']}").status_code == 404


def test_list_pages(client):
    for name in ["A", "B", "C"]:
        client.post("/v0/authors/", json={"name": name})
    assert [a["name"] for a in client.get("/v0/authors/?skip=1&limit=2").json()] == ["B", "C"]
    assert client.get("/v0/authors/?limit=500").status_code == 422


def test_a_204_carries_no_content_type(client):
    author = client.post("/v0/authors/", json={"name": "Rilke"}).json()
    response = client.delete(f"/v0/authors/{author['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert "content-type" not in response.headers


def test_a_405_lists_every_method_of_the_path(client):
    response = client.put("/v0/authors/1", json={"name": "x"})
    assert (response.status_code, response.headers["allow"]) == (405, "DELETE, GET, PATCH")
