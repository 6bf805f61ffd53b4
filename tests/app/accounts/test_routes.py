"""The accounts API through a real login at /admin/login/, on the test database (SQLite, or
PostgreSQL under `make test-postgresql`)."""

import pytest
from starlette.testclient import TestClient

from tests.app.accounts.conftest import Reader, create_user, log_in


def test_me_is_the_user_of_the_admin_session(reader: Reader) -> None:
    response = reader.client.get("/v0/me")
    assert response.status_code == 200
    assert response.json() == {"id": reader.user_id, "username": "reader", "is_staff": True}


@pytest.mark.parametrize("path", ["/v0/me", "/v0/me/reading-list", "/v0/reading-lists"])
def test_without_a_session_every_read_is_401_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not logged in: log in at /admin/login/ first"}
    assert response.headers["www-authenticate"] == "APIKey"


def test_an_unknown_session_key_is_401(client: TestClient) -> None:
    client.cookies.set("sessionid", "a" * 32)
    assert client.get("/v0/me").status_code == 401


def test_after_logout_the_same_cookie_is_401(reader: Reader) -> None:
    session_key = reader.client.cookies["sessionid"]
    logout = reader.client.post("/admin/logout/", data={"csrfmiddlewaretoken": reader.csrf_token})
    assert logout.status_code == 200
    reader.client.cookies.set("sessionid", session_key)  # a copy kept by an attacker, say
    assert reader.client.get("/v0/me").status_code == 401


def test_add_list_and_remove_books(reader: Reader) -> None:
    assert reader.titles() == []
    added = reader.add(2)
    assert added.status_code == 201
    assert added.json()["book"]["title"] == "Steppenwolf"
    assert reader.add(1).status_code == 201
    assert reader.titles() == ["Steppenwolf", "Siddhartha"]  # the order they were added in

    removed = reader.remove(2)
    assert removed.status_code == 204
    assert removed.content == b""
    assert "content-type" not in removed.headers
    assert reader.titles() == ["Siddhartha"]


def test_adding_a_book_twice_is_409_and_keeps_one_entry(reader: Reader) -> None:
    reader.add(1)
    response = reader.add(1)
    assert response.status_code == 409
    assert response.json() == {"detail": "Book 1 is already on your reading list"}
    assert reader.titles() == ["Siddhartha"]


def test_adding_an_unknown_book_is_404(reader: Reader) -> None:
    response = reader.add(999)
    assert (response.status_code, response.json()) == (404, {"detail": "Book 999 not found"})
    assert reader.titles() == []


@pytest.mark.parametrize("book_id", [0, -1, "one", 2**63])
def test_a_bad_book_id_is_422(reader: Reader, book_id: object) -> None:
    assert reader.add(book_id).status_code == 422


def test_removing_a_book_not_on_the_list_is_404(reader: Reader) -> None:
    response = reader.remove(3)
    assert response.status_code == 404
    assert response.json() == {"detail": "Book 3 is not on your reading list"}


def test_each_user_sees_only_their_own_list(reader: Reader, app) -> None:
    reader.add(1)
    create_user("other")
    with TestClient(app) as other_client:
        other = Reader(other_client, log_in(other_client, "other"), 0)
        other.add(3)
        assert other.titles() == ["The Glass Bead Game"]
        assert other.remove(1).status_code == 404  # reader's entry, not theirs
    assert reader.titles() == ["Siddhartha"]


# --- CSRF: Django's own checks on the API's unsafe methods -----------------------------------


def test_a_write_without_the_csrf_header_is_403_and_changes_nothing(reader: Reader) -> None:
    response = reader.client.post("/v0/me/reading-list", json={"book_id": 1})
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "CSRF check failed: CSRF token missing."}
    assert reader.titles() == []


def test_a_delete_without_the_csrf_header_is_403_and_keeps_the_entry(reader: Reader) -> None:
    reader.add(1)
    response = reader.client.delete("/v0/me/reading-list/1")
    assert response.status_code == 403
    assert reader.titles() == ["Siddhartha"]


def test_a_wrong_csrf_token_is_403(reader: Reader) -> None:
    reader.csrf_token = "x" * 32
    response = reader.add(1)
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "CSRF check failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect."
    )
    assert reader.titles() == []


def test_a_foreign_origin_is_403_even_with_the_token(reader: Reader) -> None:
    response = reader.add(1, Origin="https://evil.example")
    assert response.status_code == 403
    assert "Origin checking failed" in response.json()["detail"]
    assert reader.titles() == []


def test_a_trusted_origin_is_accepted(reader: Reader, settings) -> None:
    """CSRF_TRUSTED_ORIGINS is Django's setting, read by Django's check: proof it is not ours."""
    assert reader.add(1, Origin="https://books.example").status_code == 403
    settings.CSRF_TRUSTED_ORIGINS = ["https://books.example"]
    assert reader.add(1, Origin="https://books.example").status_code == 201


def test_the_same_origin_is_accepted(reader: Reader) -> None:
    assert reader.add(1, Origin="http://testserver").status_code == 201


def test_no_session_is_401_before_any_csrf_check(client: TestClient, seeded: None) -> None:
    response = client.post("/v0/me/reading-list", json={"book_id": 1})
    assert response.status_code == 401
    assert client.delete("/v0/me/reading-list/1").status_code == 401


# --- Django permissions ------------------------------------------------------------------------


def test_all_reading_lists_need_the_view_permission(reader: Reader, app) -> None:
    reader.add(2)
    response = reader.client.get("/v0/reading-lists")
    assert response.status_code == 403
    assert response.json() == {"detail": "You need the permission 'accounts.view_readinglistentry'"}

    create_user("librarian", permissions=["accounts.view_readinglistentry"])
    with TestClient(app) as librarian:
        log_in(librarian, "librarian")
        entries = librarian.get("/v0/reading-lists").json()
    assert [(e["user_id"], e["book"]["title"]) for e in entries] == [
        (reader.user_id, "Steppenwolf")
    ]


def test_a_superuser_holds_every_permission(client: TestClient, seeded: None) -> None:
    create_user("boss", superuser=True)
    log_in(client, "boss")
    assert client.get("/v0/reading-lists").status_code == 200


# --- What did not change, and what the OpenAPI document says --------------------------------


def test_books_and_authors_need_no_login(client: TestClient, seeded: None) -> None:
    assert client.get("/v0/books/").status_code == 200
    assert client.get("/v0/authors/").status_code == 200
    created = client.post("/v0/authors/", json={"name": "Thomas Mann"})
    assert created.status_code == 201


def test_openapi_declares_the_session_cookie_and_the_csrf_header(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["DjangoSession"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": "Django's session cookie: log in at /admin/login/ in the same browser.",
    }
    assert (schemes["CsrfToken"]["in"], schemes["CsrfToken"]["name"]) == ("header", "X-CSRFToken")
    paths = schema["paths"]
    assert {"DjangoSession": []} in paths["/v0/me"]["get"]["security"]
    assert {"CsrfToken": []} in paths["/v0/me/reading-list"]["post"]["security"]
    assert {"CsrfToken": []} in paths["/v0/me/reading-list/{book_id}"]["delete"]["security"]
    assert "security" not in paths["/v0/books/"]["get"]
