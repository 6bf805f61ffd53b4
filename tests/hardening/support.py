"""Real servers for the hardening tests: uvicorn in a subprocess, databases of our own, and a
throwaway PostgreSQL cluster that may be stopped without touching the machine's shared server.

Everything here is a context manager whose exit stops or drops what it started, even when the
test failed, so a failing run leaves no server, cluster or database behind.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx2
import psycopg
from psycopg import sql

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
POSTGRESQL_BIN = Path("/usr/lib/postgresql/15/bin")
# Bounds, not expectations: a step that takes longer than this is broken, not slow.
STARTUP_SECONDS = 30
COMMAND_SECONDS = 120
UVICORN = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1"]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a server or ``manage.py`` child: ours, minus what pytest-django set."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **overrides}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in the repository root; the caller checks the result."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` that must succeed (the test fails with its output otherwise)."""
    result = run_python("manage.py", *args, env=env)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result


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
        manage("migrate", "--no-input", "-v", "0", env=child_env(DATABASE_URL=url))
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


@dataclass
class LiveServer:
    """A running ``uvicorn app.main:app``; its output goes to a file so a busy server never
    blocks on a full pipe, and the test can read what it logged."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def live_server(env: dict[str, str]) -> Iterator[LiveServer]:
    """Start uvicorn on a free loopback port, wait until it answers, stop it afterwards."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="hardening-server-"))
    log_path = log_dir / "uvicorn.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [*UVICORN, "--port", str(port), "--no-access-log"],
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_answering(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(log_dir, ignore_errors=True)


def _wait_until_answering(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log()}")
        try:
            httpx2.get(f"{server.base_url}/healthz", timeout=2)
            return
        except httpx2.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {STARTUP_SECONDS}s:\n{server.log()}")


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
