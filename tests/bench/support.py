"""Running the benchmark's command-line modules as the tests do: from the repository root, on
the SQLite default (whatever DATABASE_URL the suite runs with), with a time limit."""

import os
import subprocess
import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


def run_bench_module(module: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m <module> <arguments>``; fails the test with its output unless it exits 0."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *arguments],
        cwd=REPOSITORY_ROOT,
        capture_output=True,
        text=True,
        timeout=600,  # a loaded machine runs the smoke run several times slower
        check=False,
        env={name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed
