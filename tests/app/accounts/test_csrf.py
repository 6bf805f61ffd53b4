"""``csrf_refusal``: Django's CsrfViewMiddleware deciding on an ASGI scope. No database."""

import pytest
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

from app.accounts.csrf import CSRF_HEADER, csrf_refusal

SECRET = _get_new_csrf_string()


def scope(
    method: str = "POST",
    cookie: str | None = SECRET,
    header: str | None = SECRET,
    scheme: str = "http",
    **extra: str,
) -> dict:
    headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
    if cookie is not None:
        headers.append((b"cookie", f"csrftoken={cookie}; sessionid=abc".encode()))
    if header is not None:
        headers.append((CSRF_HEADER.lower().encode(), header.encode()))
    headers += [(name.lower().encode(), value.encode()) for name, value in extra.items()]
    return {
        "type": "http", "method": method, "path": "/v0/me/reading-list", "root_path": "",
        "scheme": scheme, "query_string": b"", "headers": headers,
        "server": ("testserver", 443 if scheme == "https" else 80), "client": ("127.0.0.1", 5),
    }  # fmt: skip


def test_the_header_spelled_as_django_clients_send_it() -> None:
    assert CSRF_HEADER == "X-CSRFToken"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_cookie_echoed_in_the_header_is_accepted(method: str) -> None:
    assert csrf_refusal(scope(method)) is None


def test_a_masked_token_is_accepted_too() -> None:
    """What ``{% csrf_token %}`` and ``get_token()`` hand out: the secret, masked."""
    assert csrf_refusal(scope(header=_mask_cipher_secret(SECRET))) is None


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "TRACE"])
def test_safe_methods_are_never_refused(method: str) -> None:
    assert csrf_refusal(scope(method, cookie=None, header=None)) is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"header": None}, "CSRF token missing."),
        ({"cookie": None}, "CSRF cookie not set."),
        ({"header": _get_new_csrf_string()}, "incorrect."),
        ({"header": "short"}, "has incorrect length."),
        ({"Origin": "http://evil.example"}, "Origin checking failed"),
        ({"scheme": "https"}, "Referer checking failed - no Referer."),
        ({"scheme": "https", "Referer": "https://evil.example/"}, "does not match any trusted"),
    ],
)
def test_django_refuses_and_says_why(changes: dict, reason: str) -> None:
    refusal = csrf_refusal(scope(**changes))
    assert refusal is not None and reason in refusal


def test_a_token_in_a_form_body_is_not_looked_for() -> None:
    """The API's bodies are JSON: Django is given no body, so a multipart or form request
    without the header is refused (and never parsed: no 500 from a malformed body)."""
    broken_form = scope(header=None)
    broken_form["headers"][1] = (b"content-type", b"multipart/form-data")
    assert csrf_refusal(broken_form) == "CSRF token missing."


def test_trusted_origins_come_from_django_settings(settings) -> None:
    request = scope(Origin="https://books.example")
    assert csrf_refusal(request) is not None
    settings.CSRF_TRUSTED_ORIGINS = ["https://books.example"]
    assert csrf_refusal(request) is None


def test_the_same_origin_passes() -> None:
    assert csrf_refusal(scope(Origin="http://testserver")) is None
