"""The ASGI application: ``uvicorn app.main:app``.

One process serves the FastAPI routes under /v0, Django's admin under /admin and the admin's
static files under /static, all on one settings module and one database.
"""

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
    {
        "name": "Accounts",
        "description": "The logged-in user (Django's session) and their reading list.",
    },
    {"name": "Health", "description": "Liveness and database reachability."},
]


def create_app() -> FastAPI:
    """Assemble the app: Django first, then routers, error handlers, admin, middleware."""
    setup_django()
    # Imported only now: these modules import Django models, which need the app registry.
    from django.conf import settings
    from django.core.asgi import get_asgi_application
    from starlette.staticfiles import StaticFiles

    from app.accounts.routes import router as accounts_router
    from app.authors.routes import router as authors_router
    from app.books.routes import router as books_router
    from app.db import DjangoDatabaseMiddleware
    from app.docs import install_docs
    from app.errors import install_error_handlers
    from app.health import router as health_router
    from app.security import AllowedHostsMiddleware, SecurityHeadersMiddleware

    app = FastAPI(
        title="Books App",
        version="0.1",
        description=DESCRIPTION,
        openapi_tags=TAGS,
    )
    app.include_router(books_router)
    app.include_router(authors_router)
    app.include_router(accounts_router)
    app.include_router(health_router)
    install_error_handlers(app)
    install_docs(app)  # /docs and /redoc load Swagger UI and ReDoc from the app, not a CDN

    # The admin's CSS and JS, served from Django's package whether DEBUG is on or off.
    static = StaticFiles(packages=[("django.contrib.admin", "static")])
    app.mount(settings.STATIC_URL.rstrip("/"), static, name="static")
    # django-stubs type ASGIHandler's scope as dict where Starlette asks for a MutableMapping.
    admin = get_asgi_application()
    app.mount(settings.ADMIN_PATH, admin, name="admin")  # type: ignore[arg-type]

    app.add_middleware(DjangoDatabaseMiddleware)  # the request boundary, and the lifespan
    # Django's HTTPS redirect, HSTS, nosniff and frame policy for the API too (app/security.py).
    app.add_middleware(SecurityHeadersMiddleware)
    # Added last, so it runs first: Django's ALLOWED_HOSTS, enforced for the API too.
    app.add_middleware(AllowedHostsMiddleware)
    return app


try:
    app = create_app()
except ImproperlyConfigured as error:
    raise SystemExit(f"Books App cannot start: {error}") from None
