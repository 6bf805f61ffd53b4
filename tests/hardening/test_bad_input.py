"""What the fuzzer found, pinned down as plain tests so it can never come back unnoticed.

Each case ran into a 500 or an undocumented answer before a fix in ``app/``; the fuzzer finds
such things by chance, these tests check them every run, on SQLite and on PostgreSQL.
"""

from typing import Any

import pytest
from starlette.testclient import TestClient

from app.fields import MAX_DATABASE_ID


@pytest.fixture
def author_id(client: TestClient) -> int:
    return client.post("/v0/authors/", json={"name": "Hesse"}).json()["id"]


def test_nul_characters_in_text_are_a_422_not_a_database_500(
    client: TestClient, author_id: int
) -> None:
    """PostgreSQL refuses NUL in text columns; SQLite would store it. Both now answer 422."""
    book = {
        "title": "A\x00B",
        "author_id": author_id,
        "isbn": "9780553208849",
        "publication_date": "1922-01-01",
    }
    for method, path, body in [
        ("POST", "/v0/authors/", {"name": "Nul\x00"}),
        ("POST", "/v0/authors/", {"name": "Bio", "bio": "\x00"}),
        ("PATCH", f"/v0/authors/{author_id}", {"bio": "before\x00after"}),
        ("POST", "/v0/books/", book),
        ("POST", "/v0/books/import", {"isbn": "978055320884\x009"}),
    ]:
        response = client.request(method, path, json=body)
        assert response.status_code == 422, (method, path, response.text)
    assert client.get("/v0/authors/").json() == [{"id": author_id, "name": "Hesse", "bio": ""}]


def test_a_body_that_is_not_utf8_is_a_documented_400(client: TestClient) -> None:
    response = client.post(
        "/v0/authors/",
        content=b'{"name": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "There was an error parsing the body"}
    documented = client.get("/openapi.json").json()["paths"]["/v0/authors/"]["post"]["responses"]
    assert "400" in documented


@pytest.mark.parametrize("value", [MAX_DATABASE_ID + 1, 2**200, -(2**63) - 1])
def test_ids_beyond_64_bits_are_a_422_not_an_overflow(
    client: TestClient, author_id: int, value: int
) -> None:
    # A negative path segment matches no `{book_id:int}` route at all: 404, never an overflow.
    assert client.get(f"/v0/books/{value}").status_code == (422 if value > 0 else 404)
    assert client.get(f"/v0/authors/?skip={value}").status_code == 422
    assert client.get(f"/v0/books/?author_id={value}").status_code == 422
    body = {
        "title": "T",
        "author_id": value,
        "isbn": "9780553208849",
        "publication_date": "1922-01-01",
    }
    assert client.post("/v0/books/", json=body).status_code == 422


def test_the_largest_id_is_a_clean_404(client: TestClient) -> None:
    assert client.get(f"/v0/books/{MAX_DATABASE_ID}").status_code == 404
    assert client.delete(f"/v0/authors/{MAX_DATABASE_ID}").status_code == 404


@pytest.mark.parametrize("value", [0, 1.5, "0", "20011231", "1922-1-1", True, [], {}])
def test_a_publication_date_must_be_yyyy_mm_dd_text(
    client: TestClient, author_id: int, value: Any
) -> None:
    body = {
        "title": "T",
        "author_id": author_id,
        "isbn": "9780553208849",
        "publication_date": value,
    }
    response = client.post("/v0/books/", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "publication_date"]


@pytest.mark.parametrize(
    "name",
    [
        "Hermann Hesse \N{GRINNING FACE}",
        "\u05d4\u05e8\u05de\u05df \u05d4\u05e1\u05d4",  # right-to-left script
        "e\u0301e\u0301",  # combining accents
        "\u200b\ufeffzero width",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # one emoji made of five code points
        "\ud7ff\ue000\uffff",  # edges of the Basic Multilingual Plane
    ],
)
def test_odd_unicode_round_trips_exactly(client: TestClient, name: str) -> None:
    created = client.post("/v0/authors/", json={"name": name, "bio": name})
    assert created.status_code == 201
    assert client.get(f"/v0/authors/{created.json()['id']}").json() == {
        "id": created.json()["id"],
        "name": name.strip(),
        "bio": name,
    }
