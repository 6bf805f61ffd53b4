"""Start one variant's server: ``python -m bench.serve VARIANT PORT [--cpus 0,1]``.

Run by the benchmark in a process of its own, with ``DATABASE_URL`` pointing at the
benchmark's database. Every ASGI variant runs in uvicorn with one process, no access log and
uvicorn's defaults otherwise (uvloop and httptools when installed). The ``django_gunicorn*``
variants run gunicorn in the configuration their variant names (``bench.variants``): one sync
worker, a few sync workers, or one gthread worker with a few threads. Every process of a server
is pinned to the same core(s), so each variant has the same CPU to serve with.
"""

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from bench.variants import BY_NAME, GUNICORN_NAMES, VARIANT_NAMES
from workshop.databases import is_postgresql

POOLED_BY_DJANGO = {"fastapi_sync_to_async", "fastapi_def", "django_async_asgi", "ninja_async"}
DJANGO_VIEWS = {
    "django_async_asgi": "async",
    "ninja_async": "ninja",
    **{name: "sync" for name in GUNICORN_NAMES},
}


def _database_url() -> str:
    return os.environ["DATABASE_URL"]


def _app_async_orm() -> Any:
    from app.main import app

    return app


ADMISSION_LIMIT = 4  # app_async_orm_fifo4


def _app_with_admission() -> Any:
    """The app, its ``DjangoDatabaseMiddleware`` given a ``RequestAdmission``: the switch a
    deployment would flip in ``app.main``, flipped here before the first request builds the
    middleware stack, so the app's code is otherwise the same."""
    from app.db import DjangoDatabaseMiddleware, RequestAdmission
    from app.main import app

    (middleware,) = [m for m in app.user_middleware if m.cls is DjangoDatabaseMiddleware]
    middleware.kwargs["admission"] = RequestAdmission(limit=ADMISSION_LIMIT)
    return app


def _fastapi_orm(factory_name: str) -> Callable[[], Any]:
    def build() -> Any:
        from app.bootstrap import setup_django

        setup_django()
        from bench.servers import fastapi_orm

        return getattr(fastapi_orm, factory_name)()

    return build


def _django_asgi() -> Any:
    from app.bootstrap import setup_django

    setup_django()
    from django.core.asgi import get_asgi_application

    return get_asgi_application()


def _raw_driver() -> Any:
    from bench.servers import fastapi_raw

    url = _database_url()
    if is_postgresql(url):
        return fastapi_raw.create_postgresql_app(url)
    return fastapi_raw.create_sqlite_app(url.removeprefix("sqlite:///"))


def _no_db() -> Any:
    from bench.database import read_all_books
    from bench.servers import fastapi_raw

    return fastapi_raw.create_no_db_app(read_all_books(_database_url()))


ASGI_APPS: dict[str, Callable[[], Any]] = {
    "app_async_orm": _app_async_orm,
    "app_async_orm_fifo4": _app_with_admission,
    "fastapi_sync_to_async": _fastapi_orm("create_sync_to_async_app"),
    "fastapi_def": _fastapi_orm("create_def_app"),
    "django_async_asgi": _django_asgi,
    "ninja_async": _django_asgi,
    "raw_driver": _raw_driver,
    "no_db": _no_db,
}


def gunicorn_arguments(variant: str, port: int) -> list[str]:
    """The gunicorn command line for a ``django_gunicorn*`` variant."""
    configuration = BY_NAME[variant].gunicorn
    assert configuration is not None, f"{variant} is not served by gunicorn"
    workers, worker_class, threads = configuration
    return [
        sys.executable,
        "-m",
        "gunicorn",
        f"--workers={workers}",
        f"--worker-class={worker_class}",
        f"--threads={threads}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
        "--graceful-timeout=5",
        # several workers: import Django once in the master, before forking (no connection is
        # open yet; each worker opens its own), instead of once per worker on the shared core
        *(["--preload"] if workers > 1 else []),
        "bench.servers.wsgi:application",
    ]


def _exec_gunicorn(variant: str, port: int) -> None:
    """Replace this process with gunicorn (CPU affinity survives ``exec`` and ``fork``: the
    workers run on the same core(s) as the master)."""
    os.execv(sys.executable, gunicorn_arguments(variant, port))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("variant", choices=VARIANT_NAMES)
    parser.add_argument("port", type=int)
    parser.add_argument("--cpus", default="", help="comma-separated CPU numbers to pin to")
    args = parser.parse_args(argv)

    if args.cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(cpu) for cpu in args.cpus.split(",")})
    if args.variant in DJANGO_VIEWS:
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.servers.django_settings"
        os.environ["BENCH_DJANGO_VIEWS"] = DJANGO_VIEWS[args.variant]
    if args.variant in GUNICORN_NAMES:
        _exec_gunicorn(args.variant, args.port)
        return

    import uvicorn

    app = ASGI_APPS[args.variant]()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    if args.variant in POOLED_BY_DJANGO:  # the app's own lifespan closes its pool itself
        from app.startup import close_database_pools

        close_database_pools()


if __name__ == "__main__":
    main()
