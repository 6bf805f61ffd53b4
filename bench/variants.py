"""The eight variants, in the order the issue fixes, and what each one's connections are.

Every variant answers the same two requests with the same JSON. Names are part of the
results.json contract (notebook 08 and other tools read them): never rename one.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str
    title: str
    server: str  # how it is served: the process model is part of what is measured
    connections: dict[str, str]  # backend -> the database-connection policy it uses
    uses_database: bool = True


_APP_SQLITE_POOL = (
    "the app's pool, app.sqlite_pool (CONN_MAX_AGE=0), returned in the request's thread"
)
_PER_REQUEST = (
    "Django's own: a connection per request (CONN_MAX_AGE=0), closed in the request's thread"
)
_POOL = "Django's psycopg pool (CONN_MAX_AGE=0), returned in the request's thread"

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "app_async_orm",
        "FastAPI async def + Django async ORM (the app's own routes)",
        "uvicorn, 1 process",
        {"sqlite": _APP_SQLITE_POOL, "postgresql": _POOL},
    ),
    Variant(
        "fastapi_sync_to_async",
        "FastAPI async def + sync_to_async(sync ORM)",
        "uvicorn, 1 process",
        {"sqlite": _APP_SQLITE_POOL, "postgresql": _POOL},
    ),
    Variant(
        "fastapi_def",
        "FastAPI def + sync ORM on AnyIO's thread pool",
        "uvicorn, 1 process",
        {
            "sqlite": "the app's pool, app.sqlite_pool (CONN_MAX_AGE=0), returned in the worker thread",
            "postgresql": "Django's psycopg pool (CONN_MAX_AGE=0), returned in the worker thread",
        },
    ),
    Variant(
        "django_async_asgi",
        "Django async view, Django's ASGI handler under uvicorn",
        "uvicorn, 1 process",
        {"sqlite": _PER_REQUEST, "postgresql": _POOL},
    ),
    Variant(
        "django_gunicorn",
        "Django sync view, WSGI under gunicorn (the classic deployment)",
        "gunicorn, 1 sync worker",
        {
            "sqlite": "persistent connection (CONN_MAX_AGE=600), as Django documents for WSGI",
            "postgresql": "persistent connection (CONN_MAX_AGE=600, no pool), as Django "
            "documents for WSGI",
        },
    ),
    Variant(
        "ninja_async",
        "Django Ninja async operations, Django's ASGI handler under uvicorn",
        "uvicorn, 1 process",
        {"sqlite": _PER_REQUEST, "postgresql": _POOL},
    ),
    Variant(
        "raw_driver",
        "FastAPI async def + the raw driver, no ORM: the database ceiling",
        "uvicorn, 1 process",
        {
            "sqlite": "one sqlite3 connection opened at startup; queries run on the event loop",
            "postgresql": "psycopg AsyncConnectionPool (min 1, max 10, as the app's pool)",
        },
    ),
    Variant(
        "no_db",
        "FastAPI returning the same JSON from memory: the framework ceiling",
        "uvicorn, 1 process",
        {"sqlite": "none", "postgresql": "none"},
        uses_database=False,
    ),
)

VARIANT_NAMES: tuple[str, ...] = tuple(variant.name for variant in VARIANTS)
BY_NAME: dict[str, Variant] = {variant.name: variant for variant in VARIANTS}
