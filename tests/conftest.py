"""Shared fixtures: the test database (pytest-django), a truncating ``db`` fixture, the client.

pytest-django's ``django_db_setup`` creates and migrates a test database (a file beside the
workshop's SQLite database, or ``test_<name>`` on PostgreSQL) and drops it at the end: the
workshop database is never touched.
"""

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from app.bootstrap import setup_django
from workshop.databases import is_postgresql

setup_django()

from app.testing import truncate_all_tables  # noqa: E402  (needs Django configured)


@pytest.fixture
def db(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Database access for this test and the server threads it calls; tables emptied after.

    Overrides pytest-django's transaction-rollback ``db``: see ``app.testing`` for why rollback
    isolation does not hold once requests go through ``TestClient``.
    """
    with django_db_blocker.unblock():
        truncate_all_tables()
        yield
        truncate_all_tables()


@pytest.fixture
def app() -> FastAPI:
    from app.main import app

    return app


@pytest.fixture
def client(db: None, app: FastAPI) -> Iterator[TestClient]:
    """An in-process HTTP client (host "testserver"), lifespan included."""
    with TestClient(app) as test_client:
        yield test_client
    app.dependency_overrides.clear()


@pytest.fixture
def seeded(db: None) -> None:
    """The workshop's sample data: Hermann Hesse and three books."""
    from app.seed import seed

    seed()


def postgresql_server_url() -> str | None:
    """The PostgreSQL server to test against, or None: DATABASE_URL if it is PostgreSQL, else
    the local default server if one answers."""
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    candidates = [url] if is_postgresql(url) else []
    candidates.append("postgresql://postgres@127.0.0.1:5432/postgres")
    for candidate in candidates:
        try:
            psycopg.connect(candidate, connect_timeout=2).close()
        except psycopg.Error:
            continue
        return candidate
    return None


@pytest.fixture(scope="session")
def postgresql_url() -> str:
    """A reachable PostgreSQL server URL. Skipped with a reason on a machine without one;
    under CI (CI=true) a missing server is a failure, not a skip."""
    url = postgresql_server_url()
    if url is None:
        reason = "no PostgreSQL server reachable (DATABASE_URL or 127.0.0.1:5432)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI requires PostgreSQL: {reason}")
        pytest.skip(reason)
    return url


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    """Async tests (``pytest.mark.anyio``) run on asyncio, like uvicorn and Jupyter."""
    return "asyncio"
