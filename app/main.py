"""The ASGI application: ``uvicorn app.main:app``.

One process serves the FastAPI routes under /v0, Django's admin under /admin and the admin's
static files under /static, all on one settings module and one database.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from django.core.exceptions import ImproperlyConfigured
from fastapi import FastAPI

from app.bootstrap import setup_django

DESCRIPTION = """
The Books App of the workshop *Django ORM + FastAPI in one app*: authors and their books,
stored with Django's ORM, served by FastAPI, administered at [/admin](/admin/).
"""

TAGS = [
    {"name": "Books", "description": "Books, each written by one author, unique by ISBN."},
    {"name": "Authors", "description": "Authors; one who still has books cannot be deleted."},
    {"name": "Health", "description": "Liveness and database reachability."},
]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    from django.db import connections

    # Close psycopg pools (if any) so a reload or shutdown leaves no server connections behind.
    for connection in connections.all(initialized_only=True):
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()


def create_app() -> FastAPI:
    """Assemble the app: Django first, then routers, error handlers, admin, middleware."""
    setup_django()
    # Imported only now: these modules import Django models, which need the app registry.
    from django.conf import settings
    from django.core.asgi import get_asgi_application
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.staticfiles import StaticFiles

    from app.authors.routes import router as authors_router
    from app.books.routes import router as books_router
    from app.db import DjangoDatabaseMiddleware
    from app.docs import install_docs
    from app.errors import install_error_handlers
    from app.health import router as health_router
    from app.startup import DatabaseStartupCheck

    app = FastAPI(
        title="Books App",
        version="0.1",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    app.include_router(books_router)
    app.include_router(authors_router)
    app.include_router(health_router)
    install_error_handlers(app)
    install_docs(app)  # /docs and /redoc load Swagger UI and ReDoc from the app, not a CDN

    # The admin's CSS and JS, served from Django's package whether DEBUG is on or off.
    static = StaticFiles(packages=[("django.contrib.admin", "static")])
    app.mount(settings.STATIC_URL.rstrip("/"), static, name="static")
    app.mount(settings.ADMIN_PATH, get_asgi_application(), name="admin")

    app.add_middleware(DjangoDatabaseMiddleware)
    # Lifespan only: an unreachable DATABASE_URL stops the server at startup, in one line.
    app.add_middleware(DatabaseStartupCheck)
    # Added last, so it runs first: Django's ALLOWED_HOSTS, enforced for the API too.
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=_starlette_hosts(settings.ALLOWED_HOSTS)
    )
    return app


def _starlette_hosts(django_hosts: list[str]) -> list[str]:
    """Django writes a subdomain wildcard as ".example.com", Starlette as "*.example.com"."""
    hosts: list[str] = []
    for host in django_hosts:
        if host.startswith("."):
            hosts += [host[1:], f"*{host}"]
        else:
            hosts.append(host)
    return hosts


try:
    app = create_app()
except ImproperlyConfigured as error:
    raise SystemExit(f"Books App cannot start: {error}") from None
