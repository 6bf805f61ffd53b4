"""Users, logins and CSRF tokens for the accounts tests.

Logins go through the real ``/admin/login/`` form (CSRF token included), as a browser's would:
the API must accept the session Django's admin created, on SQLite and on PostgreSQL alike.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

PASSWORD = "accounts-test-password"


@pytest.fixture(autouse=True)
def fast_passwords() -> Iterator[None]:
    """A fast hasher: the default one takes most of a second per password, by design."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def create_user(username: str, *, staff: bool = True, superuser: bool = False, permissions=()):
    """A user who can log in at /admin/login/ (the admin admits staff only)."""
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(
        username, f"{username}@example.com", PASSWORD, is_staff=staff, is_superuser=superuser
    )
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def log_in(client: TestClient, username: str) -> str:
    """Log in through the admin's form; returns the CSRF token to echo in X-CSRFToken."""
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/admin/login/?next=/admin/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (302, "/admin/")
    # Django rotates the token at login: the cookie now holds the one to echo.
    return client.cookies["csrftoken"]


@dataclass
class Reader:
    client: TestClient
    csrf_token: str
    user_id: int

    def add(self, book_id: object, **headers: str):
        return self.client.post(
            "/v0/me/reading-list",
            json={"book_id": book_id},
            headers={"X-CSRFToken": self.csrf_token, **headers},
        )

    def remove(self, book_id: object):
        return self.client.delete(
            f"/v0/me/reading-list/{book_id}", headers={"X-CSRFToken": self.csrf_token}
        )

    def titles(self) -> list[str]:
        response = self.client.get("/v0/me/reading-list")
        assert response.status_code == 200
        return [entry["book"]["title"] for entry in response.json()]


@pytest.fixture
def reader(client: TestClient, seeded: None) -> Reader:
    """A staff user without any permission, logged in on ``client``; the three seeded books."""
    user = create_user("reader")
    return Reader(client, log_in(client, "reader"), user.pk)
