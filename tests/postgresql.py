"""PostgreSQL for the test suites: databases of our own on a shared server, and a sampler that
counts a server's connections while a load runs.

The machine's PostgreSQL is shared: every test creates a uniquely named database and drops it
(connections and all) afterwards, and never touches another.
"""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.servers import manage, server_env

# Give a server under test ``PGAPPNAME=<name>`` (libpq reads it) and these conditions count only
# its connections: not the sampler's own, nor a just-closed one of the test's not yet reaped.
SERVER_BACKENDS = "datname = %s AND application_name = %s AND backend_type = 'client backend'"


def with_database(server_url: str, database: str) -> str:
    """``server_url`` pointing at another database on the same server."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


@contextmanager
def postgresql_database(
    server_url: str, prefix: str = "test", *, migrated: bool = True
) -> Iterator[str]:
    """A new, uniquely named database (migrated unless told otherwise); dropped, connections
    and all, afterwards."""
    database = f"{prefix}_{uuid.uuid4().hex[:10]}"
    name = sql.Identifier(database)
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    url = with_database(server_url, database)
    try:
        if migrated:
            manage("migrate", "--no-input", "-v", "0", env=server_env(DATABASE_URL=url))
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def small_pool_server_env(
    database_url: str, pool_size: int, application_name: str
) -> dict[str, str]:
    """A server's environment for the connection tests: a pool of ``pool_size`` that waits long
    for a connection (no 503 from a short timeout), and a ``PGAPPNAME`` so that
    ``count_backends`` sees only this server's connections."""
    return server_env(
        DATABASE_URL=database_url,
        DB_POOL_MIN_SIZE="1",
        DB_POOL_MAX_SIZE=str(pool_size),
        DB_POOL_TIMEOUT="20",
        PGAPPNAME=application_name,
    )


def count_backends(
    database_url: str, database: str, application_name: str, where: str = "TRUE"
) -> int:
    """How many of the server's connections to ``database`` match ``where`` right now."""
    query = f"SELECT count(*) FROM pg_stat_activity WHERE {SERVER_BACKENDS} AND ({where})"
    with psycopg.connect(database_url, autocommit=True) as monitor:
        return monitor.execute(query, [database, application_name]).fetchone()[0]


@dataclass
class BackendSampler:
    """Counts the server's connections to ``database`` (those matching ``where``) every 10 ms,
    from a connection of its own, while the ``with`` block runs."""

    database_url: str
    database: str
    application_name: str
    where: str = "TRUE"
    samples: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        query = f"SELECT count(*) FROM pg_stat_activity WHERE {SERVER_BACKENDS} AND ({self.where})"
        params = [self.database, self.application_name]
        with psycopg.connect(self.database_url, autocommit=True) as monitor:
            while not self._stop.wait(0.01):
                self.samples.append(monitor.execute(query, params).fetchone()[0])

    def __enter__(self) -> "BackendSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
