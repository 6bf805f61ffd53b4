"""The API half of Django's production protections, read from the same settings.

Django's ``SecurityMiddleware``, ``XFrameOptionsMiddleware`` and host validation protect only
what Django serves (the admin under /admin). The FastAPI routes never pass through them, so with
``DEBUG=0`` the admin answered with HSTS and a frame policy and redirected plain HTTP while
``/v0/`` did neither. These two ASGI middlewares wrap the whole app and apply the SAME settings
(``ALLOWED_HOSTS``, ``SECURE_SSL_REDIRECT``, ``SECURE_HSTS_*``, ``SECURE_CONTENT_TYPE_NOSNIFF``,
``SECURE_REFERRER_POLICY``, ``SECURE_CROSS_ORIGIN_OPENER_POLICY``, ``X_FRAME_OPTIONS``), so
``app/settings.py`` is the one place that decides and both halves follow. A header Django already
set is left alone, so the admin's responses are unchanged.

Whether a request came over HTTPS is read from the ASGI scope's ``scheme``. Behind a proxy, the
server sets it from ``X-Forwarded-Proto`` only for the addresses in ``FORWARDED_ALLOW_IPS``
(uvicorn's ``--proxy-headers``); Django's half reads the same scope (``SECURE_PROXY_SSL_HEADER``
is deliberately unset: it would believe that header from anyone).

The health check path (``settings.HEALTH_CHECK_PATH``) is exempt from the host check and from the
HTTPS redirect: the container's own check speaks plain HTTP to 127.0.0.1, whatever
``ALLOWED_HOSTS`` says. It builds no URL from the Host header, which is what the check prevents.
"""

import re

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from starlette.datastructures import URL, Headers
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import error_response

# What Django allows when DEBUG is on and ALLOWED_HOSTS is empty (django.http.request.get_host).
_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def allowed_hosts() -> list[str]:
    if settings.DEBUG and not settings.ALLOWED_HOSTS:
        return _DEBUG_HOSTS
    return list(settings.ALLOWED_HOSTS)


class AllowedHostsMiddleware:
    """Refuse a Host that ``ALLOWED_HOSTS`` does not name, with Django's own matching rules
    (``.example.com`` covers subdomains) and a JSON 400 like every other error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"] == (
            settings.HEALTH_CHECK_PATH
        ):
            await self.app(scope, receive, send)
            return
        host = Headers(scope=scope).get("host", "")
        domain, _port = split_domain_port(host)
        if domain and validate_host(domain, self.allowed_hosts):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        response = error_response(400, "Invalid host header: add it to ALLOWED_HOSTS")
        await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """Django's ``SecurityMiddleware`` and ``XFrameOptionsMiddleware`` for every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.redirect_host = settings.SECURE_SSL_HOST
        self.redirect_exempt = [re.compile(pattern) for pattern in settings.SECURE_REDIRECT_EXEMPT]
        self.headers = _security_headers()
        self.hsts = _hsts_header()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = scope.get("scheme") == "https"
        if self.redirect and not secure and not self._exempt(scope["path"]):
            url = URL(scope=scope)
            host = self.redirect_host or url.netloc
            target = url.replace(scheme="https", netloc=host)
            await RedirectResponse(str(target), status_code=301)(scope, receive, send)
            return

        extra = dict(self.headers)
        if secure and self.hsts:
            extra["strict-transport-security"] = self.hsts

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # Django sends "X-Frame-Options", not lower case: compare names case-blind.
                present = {name.lower() for name, _ in message.get("headers", [])}
                added = [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in extra.items()
                    if name.encode("latin-1") not in present
                ]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _exempt(self, path: str) -> bool:
        return any(pattern.search(path.lstrip("/")) for pattern in self.redirect_exempt)


def _security_headers() -> dict[str, str]:
    headers: dict[str, str] = {}
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers["x-content-type-options"] = "nosniff"
    if settings.X_FRAME_OPTIONS:
        headers["x-frame-options"] = settings.X_FRAME_OPTIONS.upper()
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        values = policy.split(",") if isinstance(policy, str) else policy
        headers["referrer-policy"] = ",".join(value.strip() for value in values)
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers["cross-origin-opener-policy"] = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    return headers


def _hsts_header() -> str:
    if not settings.SECURE_HSTS_SECONDS:
        return ""
    header = f"max-age={settings.SECURE_HSTS_SECONDS}"
    if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        header += "; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        header += "; preload"
    return header
