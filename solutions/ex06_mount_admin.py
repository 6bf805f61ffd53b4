"""Solution to exercise 06: Django's admin and its static files inside the FastAPI app.

As in ``app/main.py``: one process, one settings module, one database.
"""

from fastapi import FastAPI

from app.bootstrap import setup_django


def mount_admin(app: FastAPI) -> None:
    """Serve Django's admin at settings.ADMIN_PATH and its CSS/JS at settings.STATIC_URL."""
    setup_django()
    from django.conf import settings
    from django.core.asgi import get_asgi_application
    from starlette.staticfiles import StaticFiles

    # Straight from Django's package, whether DEBUG is on or off (no collectstatic needed).
    static = StaticFiles(packages=[("django.contrib.admin", "static")])
    app.mount(settings.STATIC_URL.rstrip("/"), static, name="static")
    # Starlette's Mount sets root_path, which Django uses as SCRIPT_NAME: links and redirects
    # inside the admin keep their /admin prefix.
    app.mount(settings.ADMIN_PATH, get_asgi_application(), name="admin")
