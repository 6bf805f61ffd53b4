"""Reading settings from the environment, with errors a newcomer can act on.

Kept apart from ``settings.py`` so the parsing rules can be tested without configuring Django.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything unrecognised is an error, not a silent False."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value: use 1/0, true/false or on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list, e.g. ``ALLOWED_HOSTS=books.example.com,.internal``."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_settings(url: str | None, default_sqlite_path: Path) -> dict[str, Any]:
    """Turn ``DATABASE_URL`` into Django's ``DATABASES["default"]``.

    Both get a connection pool with ``CONN_MAX_AGE=0``. Django's docs: "When using ASGI,
    persistent connections should be disabled. Instead, use your database backend's built-in
    connection pooling if available". The reason: Django's ASGI handler runs each request on a
    new thread, and a connection belongs to the thread that opened it, so a persistent one is
    never reused and stays open with its dead thread. PostgreSQL uses Django's
    psycopg pool; health checks make a connection that the server closed be replaced instead of
    failing a request. SQLite (the default, nothing to install) uses ``app.sqlite_pool``, since
    Django has no pool for it, and gets WAL and IMMEDIATE transactions so concurrent requests
    wait for the write lock instead of failing with "database is locked".
    """
    if not url:
        url = f"sqlite:///{default_sqlite_path}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except Exception as error:  # dj-database-url raises ValueError or KeyError, unhelpfully worded
        raise ImproperlyConfigured(
            f"DATABASE_URL={redact_url(url)!r} is not a database URL this app understands ({error}); "
            "use sqlite:///path/to/file.sqlite3 or postgresql://user:password@host:5432/name."
        ) from None

    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise ImproperlyConfigured(
                "DATABASE_URL names no SQLite file: use sqlite:///path/to/file.sqlite3."
            )
        sqlite_file = Path(config["NAME"])
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        # Django's SQLite backend plus a pool (app/sqlite_pool): Django has none for SQLite.
        config["ENGINE"] = "app.sqlite_pool"
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # Idle connections kept for the next requests; more than this many in use at
            # once are closed when their request ends. No server limits SQLite's connections.
            "pool": {"max_idle": env_int("DB_POOL_MAX_SIZE", 32)},
        }
        # The test database is a file beside the workshop database, never the workshop database;
        # one per process, so two test runs at the same time cannot delete each other's.
        test_file = sqlite_file.with_name(f"{sqlite_file.stem}_test_{os.getpid()}.sqlite3")
        config["TEST"] = {"NAME": str(test_file)}
    elif engine == "django.db.backends.postgresql":
        if not config.get("NAME"):
            raise ImproperlyConfigured(
                "DATABASE_URL names no PostgreSQL database: add /name at its end."
            )
        config["OPTIONS"] = {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
            "pool": {
                "min_size": env_int("DB_POOL_MIN_SIZE", 1),
                "max_size": env_int("DB_POOL_MAX_SIZE", 10),
                # How long a request waits for a free connection before it gets a 503.
                "timeout": env_float("DB_POOL_TIMEOUT", 5.0),
            },
        }
    else:
        raise ImproperlyConfigured(
            f"DATABASE_URL uses {engine or 'an unknown backend'}; this app supports sqlite and postgresql."
        )
    config["CONN_MAX_AGE"] = 0
    config["CONN_HEALTH_CHECKS"] = True
    return config


def redact_url(url: str) -> str:
    """Hide a password before a URL goes into an error message."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, host = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
