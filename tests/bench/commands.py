"""Running the benchmark's command-line modules as the tests do: from the repository root, on
the SQLite default (whatever DATABASE_URL the suite runs with), with a time limit."""

import os
import subprocess

from tests.servers import run_python

BENCH_COMMAND_SECONDS = 300


def run_bench_module(module: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m <module> <arguments>``; fails the test with its output unless it exits 0."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
    completed = run_python("-m", module, *arguments, env=env, timeout=BENCH_COMMAND_SECONDS)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed
