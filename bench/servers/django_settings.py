"""Settings for the Django-served variants (4, 5 and 6): the app's own settings, with
Django serving the two benchmark URLs itself.

``BENCH_DJANGO_VIEWS`` picks the views: "async" (ASGI), "sync" (WSGI under gunicorn) or "ninja".
Only SecurityMiddleware and CommonMiddleware stay: a JSON API needs no sessions, CSRF or messages,
and a lighter Django is the stricter baseline for the app to beat. Under WSGI, connections are
persistent (``CONN_MAX_AGE``), as Django documents for WSGI, and the pool is not used. On SQLite
every Django-served variant uses Django's own backend: the app's pool (``app.sqlite_pool``) is
the app's, not Django's, so Django under ASGI opens a connection per request, as it does
out of the box.
"""

import os

from app.settings import *  # noqa: F403  (this module *is* the app's settings, adjusted)
from app.settings import DATABASES

BENCH_DJANGO_VIEWS = os.environ.get("BENCH_DJANGO_VIEWS", "async")
ROOT_URLCONF = "bench.servers.django_urls"
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

if DATABASES["default"]["ENGINE"] == "app.sqlite_pool":
    DATABASES["default"]["ENGINE"] = "django.db.backends.sqlite3"
    DATABASES["default"]["OPTIONS"].pop("pool", None)

if BENCH_DJANGO_VIEWS == "sync":
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
