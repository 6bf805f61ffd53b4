"""Real servers and commands for tests that need more than TestClient: uvicorn in a
subprocess and ``manage.py`` runs, each with an environment of its own (DATABASE_URL, DEBUG,
pool size) whatever the test process was configured with.

Every server is a context manager whose exit stops it, even when the test failed. Its output
goes to a file, so a busy server never blocks on a full pipe and a test can read its log.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
# Bounds, not expectations: a step that takes longer than this is broken, not slow.
STARTUP_SECONDS = 30
COMMAND_SECONDS = 120
UVICORN = [sys.executable, "-m", "uvicorn"]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**overrides: str) -> dict[str, str]:
    """The environment for a server or ``manage.py`` child: ours, minus pytest-django's settings
    variable (a test may set it again explicitly), plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return {**env, "PYTHONUNBUFFERED": "1", **overrides}


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
def live_server(env: dict[str, str], app: str = "app.main:app") -> Iterator[LiveServer]:
    """Start ``uvicorn APP`` on a free loopback port, wait until it answers, stop it afterwards."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="test-server-"))
    log_path = log_dir / "uvicorn.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [*UVICORN, app, "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
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
