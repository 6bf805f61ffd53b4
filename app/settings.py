"""Django settings, read from the environment (see README "Configuration").

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, OPEN_LIBRARY_URL, the DB_POOL_* knobs,
SECURE_SSL_REDIRECT and SECURE_HSTS_SECONDS; FORWARDED_ALLOW_IPS is read by uvicorn (see below).
Every default is safe for the workshop laptop; production must set SECRET_KEY and DEBUG=0.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from app.config import database_settings, env_bool, env_float, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", True)

_INSECURE_DEV_KEY = "django-insecure-workshop-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off: set SECRET_KEY to a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = _INSECURE_DEV_KEY

# "testserver" is the host of Django's and Starlette's in-process test clients.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": database_settings(os.environ.get("DATABASE_URL"), VAR_DIR / "books.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "app.authors",
    "app.books",
    "app.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Django only ever sees requests under /admin: the FastAPI app mounts it there.
ROOT_URLCONF = "app.urls"
ADMIN_PATH = "/admin"
STATIC_URL = "/static/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The external book catalogue used by POST /v0/books/import.
OPEN_LIBRARY_URL = os.environ.get("OPEN_LIBRARY_URL", "https://openlibrary.org")
OPEN_LIBRARY_TIMEOUT = env_float("OPEN_LIBRARY_TIMEOUT", 5.0)

# The container's own health check (Dockerfile HEALTHCHECK) asks for this path over plain HTTP
# with Host 127.0.0.1: it is exempt from ALLOWED_HOSTS and from the HTTPS redirect (app/security.py).
HEALTH_CHECK_PATH = "/healthz"
SECURE_REDIRECT_EXEMPT = [rf"^{HEALTH_CHECK_PATH.lstrip('/')}$"]

# Production hardening: on whenever DEBUG is off, for the admin (Django's middleware) AND the API
# (app/security.py applies these same settings to every response): one place decides.
# Over HTTPS or not is the request's scheme as the server sets it: behind a TLS proxy, uvicorn's
# --proxy-headers believes X-Forwarded-Proto only from the addresses in FORWARDED_ALLOW_IPS
# (default 127.0.0.1,::1; set it to your proxy's address, never "*" unless only the proxy can
# reach the app). SECURE_PROXY_SSL_HEADER stays unset: it would believe that header from anyone.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
