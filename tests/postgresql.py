"""PostgreSQL for the test suites: databases of our own on a shared server, a sampler that
counts a server's connections while a load runs, and a throwaway cluster that a fault test may
stop without touching the machine's shared server.

The machine's PostgreSQL is shared: every test creates a uniquely named database and drops it
(connections and all) afterwards, and never touches another.
"""

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.servers import COMMAND_SECONDS, STARTUP_SECONDS, free_port, manage, server_env
from workshop.databases import throwaway_database

# Give a server under test ``PGAPPNAME=<name>`` (libpq reads it) and these conditions count only
# its connections: not the sampler's own, nor a just-closed one of the test's not yet reaped.
SERVER_BACKENDS = "datname = %s AND application_name = %s AND backend_type = 'client backend'"


@contextmanager
def postgresql_database(
    server_url: str, prefix: str = "test", *, migrated: bool = True
) -> Iterator[str]:
    """A new, uniquely named database (migrated, by ``manage.py`` in a child process, unless
    told otherwise); dropped, connections and all, afterwards."""
    with throwaway_database(server_url, prefix) as url:
        if migrated:
            manage("migrate", "--no-input", "-v", "0", env=server_env(DATABASE_URL=url))
        yield url


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


POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")


class ThrowawayCluster:
    """A PostgreSQL 15 cluster of our own: ``initdb`` into a temporary folder, a free loopback
    port, run as the ``postgres`` user (PostgreSQL refuses to run as root). Stopping it is the
    point of the fault tests, and it must never be the machine's shared server."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="hardening-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _as_postgres(self, *args: str) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)
        result = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_SECONDS)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")

    def init(self) -> None:
        self.socket_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        self._as_postgres(
            str(POSTGRESQL_BIN / "initdb"),
            *("-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync"),
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(POSTGRESQL_BIN / "pg_ctl"),
            *("-D", str(self.data), "-o", options, "-l", str(self.root / "postgres.log")),
            *("-w", "-t", str(STARTUP_SECONDS), "start"),
        )

    def stop(self) -> None:
        """Fast shutdown: clients are disconnected at once, as when a database server goes down."""
        self._as_postgres(
            str(POSTGRESQL_BIN / "pg_ctl"),
            *("-D", str(self.data), "-m", "fast", "-w", "-t", str(STARTUP_SECONDS), "stop"),
        )

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        try:
            if self.is_running():
                self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def throwaway_cluster() -> Iterator[ThrowawayCluster]:
    cluster = ThrowawayCluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()
