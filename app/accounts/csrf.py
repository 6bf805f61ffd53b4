"""Django's own CSRF checks, applied to a FastAPI request.

A browser sends the ``sessionid`` cookie with every request to this site, including a form or
``fetch`` that another site makes it send: that is CSRF. An API that authenticates by cookie must
refuse unsafe methods unless the request proves it came from a page of ours. Django's
``CsrfViewMiddleware`` already knows how (the ``Origin`` header against the host and
``CSRF_TRUSTED_ORIGINS``, the ``Referer`` on HTTPS, the ``csrftoken`` cookie against the token the
page echoes back), so it is the middleware itself that checks, on a Django request built from the
ASGI scope: no second, hand-written copy of those rules.

The token is read from the ``X-CSRFToken`` header (``settings.CSRF_HEADER_NAME``), as Django's
JavaScript clients send it; the API's bodies are JSON, not forms, so Django is given no body.
"""

import io
import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware
from starlette.types import Scope

logger = logging.getLogger("django.security.csrf")

# Django's setting holds the header's WSGI name (HTTP_X_CSRFTOKEN); HTTP clients and the OpenAPI
# document need its HTTP spelling.
CSRF_HEADER = (
    "X-CSRFToken"
    if settings.CSRF_HEADER_NAME == "HTTP_X_CSRFTOKEN"
    else settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")
)
_BODY_HEADERS = {b"content-type", b"content-length"}

if settings.CSRF_USE_SESSIONS:
    # The secret would then live in the session: loading it is a database query, and the
    # request built below has no session. The cookie is what Django's JavaScript clients read.
    raise ImproperlyConfigured(
        "CSRF_USE_SESSIONS=True is not supported by the API: keep the token in the csrftoken cookie"
    )


class _CsrfCheck(CsrfViewMiddleware):
    """The middleware's checks, unchanged; only its refusal differs. Django's ``_reject`` renders
    the HTML failure page (``CSRF_FAILURE_VIEW``) and logs; the API answers JSON, so the reason
    is handed back instead and the caller logs it."""

    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return HttpResponseForbidden(reason)


def _api_view(request: HttpRequest) -> HttpResponse:
    """What the middleware is told it protects (a view that is not ``csrf_exempt``) and its
    ``get_response``: neither is ever called."""
    raise AssertionError("the CSRF check never calls a view")


def csrf_refusal(scope: Scope) -> str | None:
    """Why Django's CSRF protection refuses this request, or None if it accepts it.

    Synchronous and free of database queries (CSRF_USE_SESSIONS is off): a cookie, a header and
    the settings, compared by Django.
    """
    headers = [(name, value) for name, value in scope["headers"] if name not in _BODY_HEADERS]
    request = ASGIRequest({**scope, "headers": headers}, io.BytesIO())
    check = _CsrfCheck(_api_view)
    try:
        check.process_request(request)
        refusal = check.process_view(request, _api_view, (), {})
    except DisallowedHost as error:  # Host is checked before, by TrustedHostMiddleware
        return str(error)
    if refusal is None:
        return None
    reason = refusal.content.decode()
    logger.warning("Forbidden (%s): %s", reason, request.path)
    return reason
