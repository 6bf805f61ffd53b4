"""Django's admin in the same process: login with CSRF, static files, data from the API."""

import re
import secrets
from collections.abc import Iterator

import httpx2
import pytest

from tests.servers import live_server, manage, server_env

PASSWORD = "workshop-password-123"


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the login form has no CSRF token"
    return match.group(1)


def log_in(client, password: str = PASSWORD):
    form = client.get("/admin/login/?next=/admin/")
    return client.post(
        "/admin/login/?next=/admin/",
        data={
            "username": "admin",
            "password": password,
            "csrfmiddlewaretoken": csrf_token(form.text),
            "next": "/admin/",
        },
        follow_redirects=False,
    )


@pytest.fixture
def superuser(db):
    from django.contrib.auth.models import User

    User.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def test_admin_requires_login(client):
    response = client.get("/admin/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/admin/login/?next=/admin/"


def test_login_without_csrf_token_is_refused(client, superuser):
    client.get("/admin/login/")
    response = client.post("/admin/login/", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 403


def test_wrong_password_is_refused(client, superuser):
    response = log_in(client, password="wrong")
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text


def test_login_and_see_the_api_data_in_the_changelist(client, superuser, seeded):
    assert log_in(client).headers["location"] == "/admin/"
    client.post(
        "/v0/books/",
        json={
            "title": "Demian",
            "author_id": 1,
            "isbn": "9780060931919",
            "publication_date": "1919-01-01",
        },
    )
    changelist = client.get("/admin/books/book/?q=Demian")
    assert changelist.status_code == 200
    assert "Demian" in changelist.text
    assert "Hermann Hesse" in client.get("/admin/authors/author/").text


def test_admin_static_files_are_served(client):
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


# --- Through a real uvicorn server, DEBUG on and off -------------------------------------


@pytest.fixture
def sqlite_env(tmp_path) -> dict[str, str]:
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'admin.sqlite3'}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    return env


@pytest.fixture
def running_server(sqlite_env) -> Iterator[str]:
    env = {**sqlite_env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    created = manage(
        "createsuperuser",
        "--no-input",
        "--username",
        "admin",
        "--email",
        "admin@example.com",
        env=env,
    )
    assert "Superuser created successfully" in created.stdout
    with live_server(sqlite_env) as server:
        yield server.base_url


def test_login_through_the_running_server(running_server):
    with httpx2.Client(base_url=running_server) as http:
        response = log_in(http)
        assert (response.status_code, response.headers["location"]) == (302, "/admin/")
        home = http.get("/admin/")
        assert "Site administration" in home.text
        assert http.get("/static/admin/css/base.css").status_code == 200


def test_static_files_with_debug_off(sqlite_env):
    env = {
        **sqlite_env,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
    }
    with live_server(env) as server:
        css = httpx2.get(f"{server.base_url}/static/admin/css/base.css")
        login = httpx2.get(f"{server.base_url}/admin/login/")
    assert css.status_code == 200
    assert "/static/admin/css/base.css" in login.text
