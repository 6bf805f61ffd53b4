"""Real servers and commands for tests that need more than TestClient: uvicorn in a
subprocess and ``manage.py`` runs, each with an environment of its own (DATABASE_URL, DEBUG,
pool size) whatever the test process was configured with.

The process machinery (free ports, output kept in a file, stopping) is ``workshop.servers``,
shared with the benchmark; this module adds what only tests want: the app under uvicorn, ready
when ``/healthz`` answers, and commands that must succeed.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from workshop.paths import REPOSITORY_ROOT
from workshop.servers import (
    LOOPBACK,
    STARTUP_SECONDS,
    ServerProcess,
    answers_http,
    free_port,
    server_process,
)

__all__ = ["REPOSITORY_ROOT", "STARTUP_SECONDS", "free_port"]  # re-exported for the suites

# Bounds, not expectations: a step that takes longer than this is broken, not slow.
COMMAND_SECONDS = 120
UVICORN = [sys.executable, "-m", "uvicorn"]
LiveServer = ServerProcess


def server_env(**overrides: str) -> dict[str, str]:
    """The environment for a server or ``manage.py`` child: ours, minus pytest-django's settings
    variable (a test may set it again explicitly), plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return {**env, "PYTHONUNBUFFERED": "1", **overrides}


def run_python(
    *args: str, env: dict[str, str], timeout: float = COMMAND_SECONDS
) -> subprocess.CompletedProcess[str]:
    """Run ``python ARGS`` in the repository root; the caller checks the result."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``manage.py ARGS`` that must succeed (the test fails with its output otherwise)."""
    result = run_python("manage.py", *args, env=env)
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result


@contextmanager
def live_server(env: dict[str, str], app: str = "app.main:app") -> Iterator[LiveServer]:
    """``uvicorn APP`` on a free loopback port, ready once ``/healthz`` answers; stopped after."""
    port = free_port()
    command = [*UVICORN, app, "--host", LOOPBACK, "--port", str(port), "--no-access-log"]
    with server_process(command, port=port, env=env, ready=answers_http("/healthz")) as server:
        yield server
