"""Exercise 08: ``GET /v0/whoami`` protected by ``get_current_user``, the user of the session.

Graded through HTTP only, with real sessions: logins at ``/admin/login/`` (the admin is mounted
by the app around the learner's router), a logout, and a session that is not staff. Any way of
reading the cookie and loading the user that behaves right gets the points.
"""

import os
import re
from collections.abc import Iterator
from types import ModuleType

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.grading.apps import client_for
from tests.grading.support import calling, fail

EXERCISE = "ex08_protect_a_route"
URL = "/v0/whoami"
PASSWORD = "grading-password"  # throwaway users in a throwaway database


@pytest.fixture
def client(db: None, api: FastAPI) -> Iterator[TestClient]:
    from django.test import override_settings

    # A fast hasher: the default one takes most of a second per password, by design.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield client_for(api)
    api.dependency_overrides.clear()
    check_not_unsafe()


def check_not_unsafe() -> None:
    if os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"):
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        fail(
            EXERCISE, "unsafe",
            "DJANGO_ALLOW_ASYNC_UNSAFE is set: it hides SynchronousOnlyOperation instead of fixing "
            "it; load the user with Django's async auth API (aget_user)",
        )  # fmt: skip


def whoami(client: TestClient, what: str):
    with calling(EXERCISE, f"GET {URL} {what}"):
        response = client.get(URL)
    check_not_unsafe()
    return response


def expect_401(client: TestClient, what: str) -> None:
    response = whoami(client, what)
    if response.status_code != 401:
        fail(EXERCISE, "wrong", f"GET {URL} {what} answered {response.status_code}, not 401")
    if not response.headers.get("content-type", "").startswith("application/json"):
        fail(EXERCISE, "wrong", f"the 401 {what} is not JSON (raise fastapi.HTTPException)")


def expect_user(client: TestClient, what: str, username: str, is_staff: bool) -> None:
    response = whoami(client, what)
    if response.status_code != 200:
        fail(EXERCISE, "wrong", f"GET {URL} {what} answered {response.status_code}, not 200")
    body = response.json()
    expected = {"username": username, "is_staff": is_staff}
    if not isinstance(body, dict) or {key: body.get(key) for key in expected} != expected:
        fail(EXERCISE, "wrong", f"GET {URL} {what} answered {body!r}, expected {expected!r}")


def create_user(username: str, staff: bool = True):
    from django.contrib.auth.models import User

    return User.objects.create_user(username, password=PASSWORD, is_staff=staff)


def log_in(client: TestClient, username: str) -> None:
    """Through the admin's login form, CSRF token included, as a browser does."""
    create_user(username)
    page = client.get("/admin/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    response = client.post("/admin/login/?next=/admin/", data=form, follow_redirects=False)
    assert response.status_code == 302, "the admin login failed: the grader's app is broken"


def test_no_session_is_401(client: TestClient) -> None:
    expect_401(client, "without a session cookie")


def test_an_unknown_session_is_401(client: TestClient) -> None:
    client.cookies.set("sessionid", "nosuchsession0000000000000000000")
    expect_401(client, "with an unknown session key")


def test_the_logged_in_user_is_answered(client: TestClient, api: FastAPI) -> None:
    log_in(client, "ada")
    expect_user(client, "after logging in as ada at /admin/login/", "ada", True)
    with client_for(api) as second:
        log_in(second, "grace")
        expect_user(second, "in another browser logged in as grace", "grace", True)


def test_a_user_who_is_not_staff(client: TestClient) -> None:
    """Logged in by another Django login than the admin's (which admits staff only)."""
    from django.test import Client

    browser = Client()
    browser.force_login(create_user("linus", staff=False))
    client.cookies.set("sessionid", browser.cookies["sessionid"].value)
    expect_user(client, "with the session of linus (not staff)", "linus", False)


def test_after_logout_the_same_cookie_is_401(client: TestClient) -> None:
    log_in(client, "ada")
    session_key = client.cookies["sessionid"]
    client.post("/admin/logout/", data={"csrfmiddlewaretoken": client.cookies["csrftoken"]})
    client.cookies.set("sessionid", session_key)
    expect_401(client, "with the session cookie of a user who logged out")


def test_the_route_takes_its_user_from_the_dependency(
    client: TestClient, api: FastAPI, module: ModuleType
) -> None:
    dependency = getattr(module, "get_current_user", None)
    if dependency is None:
        fail(EXERCISE, "wrong", "the module has no get_current_user any more")
    from django.contrib.auth.models import User

    # A real (unsaved) Django user, so that any way of reading it works as on a loaded one.
    api.dependency_overrides[dependency] = lambda: User(id=1, username="overridden")
    expect_user(client, "with get_current_user overridden (no session at all)", "overridden", False)
