"""The variants, in a fixed order, and what each one's connections are.

Every variant answers the same two requests with the same JSON. Names are part of the
results.json contract (notebook 08 and other tools read them): never rename one.

Django's classic deployment comes in the configurations a Django team would run on one core
(``django_gunicorn_<config>``): the single sync worker (``django_gunicorn``, the classic
reference), a few sync workers, and one gthread worker with a few threads. All keep
persistent connections, as Django documents for WSGI. The report compares the app with
whichever of them serves the most requests per second on the machine at hand.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str
    title: str
    server: str  # how it is served: the process model is part of what is measured
    connections: dict[str, str]  # backend -> the database-connection policy it uses
    uses_database: bool = True
    # gunicorn's (workers, worker class, threads per worker); None for the ASGI servers
    gunicorn: tuple[int, str, int] | None = None


_APP_SQLITE_POOL = (
    "the app's pool, app.sqlite_pool (CONN_MAX_AGE=0), returned in the request's thread"
)
_PER_REQUEST = (
    "Django's own: a connection per request (CONN_MAX_AGE=0), closed in the request's thread"
)
_POOL = "Django's psycopg pool (CONN_MAX_AGE=0), returned in the request's thread"
_PERSISTENT = {
    "sqlite": "persistent connection (CONN_MAX_AGE=600), as Django documents for WSGI",
    "postgresql": "persistent connection (CONN_MAX_AGE=600, no pool), as Django documents for WSGI",
}
_PERSISTENT_PER_THREAD = {
    backend: policy.replace("persistent connection", "a persistent connection per thread")
    for backend, policy in _PERSISTENT.items()
}
_PERSISTENT_PER_WORKER = {
    backend: policy.replace("persistent connection", "a persistent connection per worker")
    for backend, policy in _PERSISTENT.items()
}

VARIANTS: tuple[Variant, ...] = (
    Variant(
        "app_async_orm",
        "FastAPI async def + Django async ORM (the app's own routes)",
        "uvicorn, 1 process",
        {"sqlite": _APP_SQLITE_POOL, "postgresql": _POOL},
    ),
    Variant(
        "app_async_orm_fifo4",
        "the app with RequestAdmission(limit=4): requests take turns at their threads in order",
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
        _PERSISTENT,
        gunicorn=(1, "sync", 1),
    ),
    Variant(
        "django_gunicorn_sync4",
        "Django sync views, WSGI under gunicorn, 4 sync workers on the same core",
        "gunicorn, 4 sync workers",
        _PERSISTENT_PER_WORKER,
        gunicorn=(4, "sync", 1),
    ),
    Variant(
        "django_gunicorn_gthread4",
        "Django sync views, WSGI under gunicorn, 1 gthread worker with 4 threads",
        "gunicorn, 1 gthread worker x 4 threads",
        _PERSISTENT_PER_THREAD,
        gunicorn=(1, "gthread", 4),
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
GUNICORN_NAMES: tuple[str, ...] = tuple(v.name for v in VARIANTS if v.gunicorn is not None)
