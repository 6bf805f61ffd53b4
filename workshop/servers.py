"""Servers for lessons, tests and the benchmark: one home for a free port and for a server in a
process of its own whose output we keep.

A server's output goes to a file, not a pipe: a busy server never blocks on a full pipe that
nobody reads, and whoever started it can show what it logged when it fails. It runs in a process
group of its own, so stopping it also stops the workers it started (gunicorn's, py-spy's child).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx2

from workshop.paths import REPOSITORY_ROOT

LOOPBACK = "127.0.0.1"
# Bounds, not expectations: a server that takes longer than this to start or stop is broken.
STARTUP_SECONDS = 30
STOP_SECONDS = 15


def free_port() -> int:
    """A loopback port nobody listens on right now (the system picks it)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    """A started server: its port and process, and the file its output goes to."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def log(self) -> str:
        """What the server wrote so far (stdout and stderr, interleaved)."""
        return self.log_path.read_text(errors="replace")


def answers_http(path: str) -> Callable[[ServerProcess], bool]:
    """A readiness check: ``GET path`` gets any HTTP answer."""

    def ready(server: ServerProcess) -> bool:
        try:
            httpx2.get(f"{server.base_url}{path}", timeout=2)
        except httpx2.TransportError:
            return False
        return True

    return ready


def accepts_connections(server: ServerProcess) -> bool:
    """A readiness check for servers with no cheap URL to ask: the port accepts a connection."""
    try:
        with socket.create_connection((LOOPBACK, server.port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def server_process(
    command: Sequence[str],
    *,
    port: int,
    env: dict[str, str],
    ready: Callable[[ServerProcess], bool] = accepts_connections,
    startup_seconds: float = STARTUP_SECONDS,
) -> Iterator[ServerProcess]:
    """Run ``command`` (a server that will listen on ``port``) from the repository root, wait
    until ``ready`` says it serves, and stop it (its whole process group) when the block ends,
    even if the block failed. A server that exits or never gets ready raises RuntimeError with
    its output."""
    log_dir = Path(tempfile.mkdtemp(prefix="workshop-server-"))
    log_path = log_dir / "server.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            list(command),
            cwd=REPOSITORY_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(port, process, log_path)
    try:
        _wait_until_ready(server, ready, startup_seconds)
        yield server
    finally:
        stop(process)
        shutil.rmtree(log_dir, ignore_errors=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL if it has not ended within ``STOP_SECONDS``."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):  # it may end between the poll and the signal
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_SECONDS)


def _wait_until_ready(
    server: ServerProcess, ready: Callable[[ServerProcess], bool], seconds: float
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.log()}")
        if ready(server):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {seconds:.0f} s:\n{server.log()}")
