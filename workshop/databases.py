"""Databases for lessons, tests and the benchmark: one home for telling PostgreSQL from SQLite,
for throwaway databases on a shared server, and for migrating (and seeding) a fresh one.

The machine's PostgreSQL may be shared (a workshop room, CI, other people's projects): every
database made here has a name chosen by its caller's prefix, is created empty and is dropped with
``WITH (FORCE)`` (its connections and all), so nothing here ever touches a database it did not
make. Names are quoted as identifiers (``psycopg.sql``), never pasted into SQL.
"""

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

POSTGRESQL_SCHEMES = ("postgres://", "postgresql://")
CONNECT_TIMEOUT_SECONDS = 5


def is_postgresql(url: str | None) -> bool:
    """Whether ``url`` (a ``DATABASE_URL``; None or empty means the SQLite default) names a
    PostgreSQL server."""
    return url is not None and url.startswith(POSTGRESQL_SCHEMES)


def with_database(server_url: str, database: str) -> str:
    """``server_url`` pointing at another database on the same server."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


def drop_database(server_url: str, database: str) -> None:
    """Drop ``database`` if it exists, disconnecting whoever is still connected to it."""
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _run_on_server(server_url, statement.format(sql.Identifier(database)))


def recreate_database(server_url: str, database: str) -> str:
    """An empty ``database`` on the server of ``server_url`` (dropped first if it existed);
    returns its URL."""
    drop_database(server_url, database)
    _run_on_server(server_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    return with_database(server_url, database)


@contextmanager
def throwaway_database(server_url: str | None, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database for the duration of the block, then removed.

    PostgreSQL (``server_url`` names a server): ``<prefix>_<random>`` on that server, so two
    runs at once never meet. Otherwise SQLite: a file in a temporary folder.
    """
    if is_postgresql(server_url):
        assert server_url is not None
        database = f"{prefix}_{uuid.uuid4().hex[:10]}"
        url = recreate_database(server_url, database)
        try:
            yield url
        finally:
            drop_database(server_url, database)
    else:
        folder = tempfile.mkdtemp(prefix=f"{prefix}-")
        try:
            yield f"sqlite:///{folder}/{prefix}.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def migrate(*, seed: bool) -> str:
    """Apply every migration to Django's configured database (and add the workshop's sample
    data when ``seed``); returns the vendor, "sqlite" or "postgresql".

    Call it with Django set up, from a thread without a running event loop (Django refuses
    synchronous ORM calls there). The thread's connection is closed afterwards, so a caller that
    ran this on a helper thread leaves no connection behind.
    """
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    if seed:
        from app.seed import seed as add_sample_data

        add_sample_data()
    vendor = connection.vendor
    connection.close()
    return vendor


def _run_on_server(server_url: str, statement: sql.Composed) -> None:
    with psycopg.connect(
        server_url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS
    ) as admin:
        admin.execute(statement)
