"""Exercise 06: the admin and its static files, mounted in a FastAPI app by ``mount_admin(app)``."""

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from workshop.grading.checks import calling, fail, load_exercise

EXERCISE = "ex06_mount_admin"
PASSWORD = "grading-password"  # a throwaway user in a throwaway database


@pytest.fixture(scope="module")
def api(target: Path) -> FastAPI:
    """A FastAPI app with the books API, the learner's mounts and the app's DB middleware."""
    from app.books.routes import router as books_router
    from app.db import DjangoDatabaseMiddleware
    from app.errors import install_error_handlers

    module: ModuleType = load_exercise(target, EXERCISE)
    app = FastAPI()
    app.include_router(books_router)
    install_error_handlers(app)
    with calling(EXERCISE, "mount_admin(app)"):
        try:
            module.mount_admin(app)
        except NotImplementedError:
            raise
        except Exception as error:
            fail(EXERCISE, "error", f"mount_admin(app) raised {type(error).__name__}: {error}")
    app.add_middleware(DjangoDatabaseMiddleware)
    return app


@pytest.fixture
def client(db: None, api: FastAPI) -> Iterator[TestClient]:
    from django.test import override_settings

    # A fast hasher: the default one takes most of a second per password, by design.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield TestClient(api, raise_server_exceptions=False)


def get(client: TestClient, url: str, expected: int = 200, **kwargs):
    response = client.get(url, follow_redirects=False, **kwargs)
    if response.status_code != expected:
        fail(EXERCISE, "wrong", f"GET {url} answered {response.status_code}, expected {expected}")
    return response


def log_in(client: TestClient, token: str | None) -> object:
    from django.contrib.auth.models import User

    User.objects.create_superuser("grader", "grader@example.com", PASSWORD)
    page = get(client, "/admin/login/").text
    data = {"username": "grader", "password": PASSWORD, "next": "/admin/"}
    if token is not None:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not match:
            fail(EXERCISE, "wrong", "the login page has no CSRF token field")
        data["csrfmiddlewaretoken"] = match.group(1)
    return client.post("/admin/login/?next=/admin/", data=data, follow_redirects=False)


def test_login_page_is_served(client: TestClient) -> None:
    page = get(client, "/admin/login/").text
    if "Django administration" not in page and "Log in" not in page:
        fail(EXERCISE, "wrong", "GET /admin/login/ answered 200 but not with Django's login page")


def test_redirects_keep_the_admin_prefix(client: TestClient) -> None:
    location = get(client, "/admin/", expected=302).headers.get("location", "")
    if not location.startswith("/admin/login/"):
        fail(
            EXERCISE, "wrong",
            f"GET /admin/ (not logged in) redirected to {location!r}, not to /admin/login/...: "
            "mount Django's ASGI app at settings.ADMIN_PATH so it knows its prefix",
        )  # fmt: skip


def test_the_admin_css_is_served(client: TestClient) -> None:
    page = get(client, "/admin/login/").text
    stylesheets = re.findall(r'href="([^"]+\.css)"', page)
    if not stylesheets:
        fail(EXERCISE, "wrong", "the login page links no stylesheet")
    for url in stylesheets:
        response = get(client, url)
        if not response.headers.get("content-type", "").startswith("text/css"):
            fail(EXERCISE, "wrong", f"{url} is not served as CSS")


def test_logging_in_works_with_the_csrf_token(client: TestClient) -> None:
    response = log_in(client, token="from the page")
    if response.status_code != 302 or response.headers.get("location") != "/admin/":
        fail(
            EXERCISE,
            "wrong",
            f"logging in answered {response.status_code}, not a redirect to /admin/",
        )
    if "Site administration" not in get(client, "/admin/").text:
        fail(EXERCISE, "wrong", "after logging in, /admin/ does not show the site administration")


def test_logging_in_without_the_csrf_token_is_refused(client: TestClient) -> None:
    response = log_in(client, token=None)
    if response.status_code != 403:
        fail(
            EXERCISE,
            "wrong",
            f"a login without CSRF token answered {response.status_code}, not 403",
        )


def test_books_created_by_the_api_show_in_the_admin(client: TestClient) -> None:
    from app.authors.models import Author

    author = Author.objects.create(name="Hermann Hesse")
    book = {
        "title": "Demian", "author_id": author.pk, "isbn": "9780060931919",
        "publication_date": date(1919, 1, 1).isoformat(),
    }  # fmt: skip
    created = client.post("/v0/books/", json=book)
    if created.status_code != 201:
        fail(EXERCISE, "wrong", f"POST /v0/books/ answered {created.status_code}")
    log_in(client, token="from the page")
    if "Demian" not in get(client, "/admin/books/book/").text:
        fail(EXERCISE, "wrong", "the book created through the API is not in the admin's book list")
