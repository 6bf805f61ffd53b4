"""app/security.py on its own: the API half of Django's protections, from Django's settings.

The live DEBUG=0 server is tested in tests/hardening/test_production_settings.py; here each rule
is checked in-process with the settings overridden, on a bare ASGI app that answers the way
Django does (header names capitalised) or the way Starlette does (lower case).
"""

import pytest
from django.test import override_settings
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.security import AllowedHostsMiddleware, SecurityHeadersMiddleware

PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 60,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
    "SECURE_HSTS_PRELOAD": False,
    "ALLOWED_HOSTS": [".example.com"],
}


async def djangoish(request) -> PlainTextResponse:
    return PlainTextResponse("ok", headers={"X-Frame-Options": "SAMEORIGIN"})


async def plain(request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def client(https: bool = True) -> TestClient:
    app = Starlette(
        routes=[Route("/django", djangoish), Route("/api", plain), Route("/healthz", plain)]
    )
    wrapped = AllowedHostsMiddleware(SecurityHeadersMiddleware(app))
    scheme = "https" if https else "http"
    return TestClient(wrapped, base_url=f"{scheme}://books.example.com")


@override_settings(**PRODUCTION)
def test_over_https_every_response_gets_hsts_and_the_frame_policy() -> None:
    response = client().get("/api")
    assert response.headers["strict-transport-security"] == "max-age=60"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


@override_settings(**PRODUCTION)
def test_a_header_django_already_set_is_kept_and_not_doubled() -> None:
    response = client().get("/django")
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]


@override_settings(**PRODUCTION)
def test_plain_http_is_redirected_with_its_query_and_the_health_check_is_not() -> None:
    redirected = client(https=False).get("/api?limit=5", follow_redirects=False)
    assert redirected.status_code == 301
    assert redirected.headers["location"] == "https://books.example.com/api?limit=5"
    assert "strict-transport-security" not in redirected.headers
    assert client(https=False).get("/healthz", follow_redirects=False).status_code == 200


@override_settings(**PRODUCTION)
@pytest.mark.parametrize(
    ("host", "status"), [("example.com", 200), ("a.example.com", 200), ("example.net", 400)]
)
def test_hosts_follow_djangos_rules(host: str, status: int) -> None:
    response = client().get("/api", headers={"host": host})
    assert response.status_code == status
    if status == 400:
        assert response.json() == {"detail": "Invalid host header: add it to ALLOWED_HOSTS"}


@override_settings(**PRODUCTION)
def test_the_health_check_answers_any_host() -> None:
    assert client().get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200


@override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0)
def test_with_debug_defaults_no_redirect_and_no_hsts() -> None:
    response = client(https=False).get("/api", headers={"host": "localhost"})
    assert response.status_code == 200
    assert "strict-transport-security" not in response.headers
