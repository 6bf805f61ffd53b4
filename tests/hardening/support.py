"""PostgreSQL for the hardening tests: databases of our own, and a throwaway cluster that may be
stopped without touching the machine's shared server. Servers and commands: ``tests.servers``.
"""

import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from tests.servers import COMMAND_SECONDS, STARTUP_SECONDS, free_port, manage, server_env

POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")


def with_database(server_url: str, database: str) -> str:
    """``server_url`` pointing at another database on the same server."""
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{database}"))


@contextmanager
def postgresql_database(server_url: str, prefix: str = "hardening") -> Iterator[str]:
    """A new, uniquely named, migrated database; dropped (connections and all) afterwards."""
    database = f"{prefix}_{uuid.uuid4().hex[:10]}"
    name = sql.Identifier(database)
    with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    url = with_database(server_url, database)
    try:
        manage("migrate", "--no-input", "-v", "0", env=server_env(DATABASE_URL=url))
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


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
