"""A throwaway PostgreSQL cluster for the fault tests: it may be stopped without touching the
machine's shared server. Databases and connection counts: ``tests.postgresql``.
"""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import COMMAND_SECONDS, STARTUP_SECONDS, free_port

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
