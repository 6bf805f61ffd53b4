"""``python -m workshop.doctor`` (``make doctor``): is this machine ready for the workshop?

One ``OK``/``FAIL`` line per check, each failure with the command that fixes it; exit status 1
if anything failed. Run it before the workshop day, not during the first lesson.

It checks what the lessons need (requirements-lab.txt, what ``make lab`` installs). The other sets
are not the lab's: ``make test``, ``make docs`` and ``make bench`` install theirs on first use, so
a lean install is ready, and the ``extras`` line only says which command will add what.
"""

import argparse
import importlib.metadata
import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable

from workshop.paths import REPOSITORY_ROOT
from workshop.requirements import pinned_requirements

REQUIREMENTS = REPOSITORY_ROOT / "requirements-lab.txt"
# Sets a command adds on first use: (file, the command that installs it).
EXTRA_SETS = [
    ("requirements-dev.txt", "make test"),
    ("requirements-docs.txt", "make docs"),
    ("requirements-bench.txt", "make bench"),
]
MINIMUM_PYTHON = (3, 11)
# `make serve` and `make lab` use these; the notebooks pick free ports themselves.
LESSON_PORTS = {8000: "make serve (uvicorn)", 8888: "make lab (JupyterLab)"}


class CheckFailed(Exception):
    """A check's failure: the message says what is wrong and how to fix it."""


def check_python() -> str:
    version = sys.version_info
    found = f"{version.major}.{version.minor}.{version.micro}"
    if version[:2] < MINIMUM_PYTHON:
        raise CheckFailed(
            f"Python {found} is too old: install Python 3.11 or newer, then `make clean lab`"
        )
    return f"Python {found}"


def mismatches(pins: dict[str, str]) -> list[str]:
    """The pins not installed at their version, each as "name missing" or "name X (pinned Y)"."""
    wrong = []
    for name, pinned in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        if installed != pinned:
            wrong.append(f"{name} {installed} (pinned {pinned})")
    return wrong


def check_packages() -> str:
    pins = pinned_requirements(REQUIREMENTS)
    if wrong := mismatches(pins):
        raise CheckFailed(
            f"{', '.join(wrong)}: run `make setup` (or `pip install -r {REQUIREMENTS.name}`)"
        )
    return f"{len(pins)} packages the lessons need, at their pinned versions ({REQUIREMENTS.name})"


def check_extras() -> str:
    """Never fails: the extra sets are installed by the commands that need them."""
    lab = pinned_requirements(REQUIREMENTS)
    notes = []
    for file, command in EXTRA_SETS:
        extra = {
            name: version
            for name, version in pinned_requirements(REPOSITORY_ROOT / file).items()
            if name not in lab
        }
        if mismatches(extra):
            notes.append(f"`{command}` adds {file} ({len(extra)} packages)")
        else:
            notes.append(f"{file} installed")
    return "; ".join(notes)


def check_database() -> str:
    from django.core.exceptions import ImproperlyConfigured

    from app.bootstrap import setup_django

    try:
        setup_django()
    except ImproperlyConfigured as error:
        raise CheckFailed(f"{error}") from None
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    from app.startup import unreachable_database_message

    # Asked outside the pool, whose own error would only say that it timed out.
    if problem := unreachable_database_message():
        raise CheckFailed(f"{problem}: check the URL, that the server runs and the database exists")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        raise CheckFailed(
            f"cannot reach the database ({error}): check DATABASE_URL or unset it for SQLite"
        ) from None
    finally:
        connection.close()
    if plan:
        raise CheckFailed(f"{len(plan)} migration(s) not applied: run `make db`")
    return f"{connection.vendor} database reachable and migrated"


def check_kernel() -> str:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        raise CheckFailed("no python3 Jupyter kernel: run `make setup`") from None
    kernel_python = spec.argv[0] if spec.argv[0] != "python" else sys.executable
    result = subprocess.run(
        [kernel_python, "-c", "import app.bootstrap"],
        cwd=REPOSITORY_ROOT / "notebooks",
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise CheckFailed(
            "the Jupyter kernel cannot import `app`: run `make setup` and start JupyterLab with `make lab`"
        )
    return "the Jupyter kernel imports app"


def is_jupyter_server(port: int) -> bool:
    """Whether a Jupyter server answers on ``port`` (its ``/api`` names its version)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as response:
            return "version" in json.load(response)
    except (OSError, ValueError, urllib.error.URLError):
        return False


def check_ports() -> str:
    busy, jupyter = [], []
    for port, user in LESSON_PORTS.items():
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                continue
        if user.startswith("make lab") and is_jupyter_server(port):
            jupyter.append(port)  # the attendee's own JupyterLab, running as it should
        else:
            busy.append(f"{port} ({user})")
    if busy:
        raise CheckFailed(
            f"port(s) in use: {', '.join(busy)}: stop the program using them "
            "(`lsof -i :PORT` or `ss -ltnp` shows it)"
        )
    if jupyter:
        return f"JupyterLab already runs on {jupyter[0]} (make lab); the other ports are free"
    return f"ports {', '.join(map(str, LESSON_PORTS))} free"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("python", check_python),
    ("packages", check_packages),
    ("extras", check_extras),
    ("database", check_database),
    ("jupyter kernel", check_kernel),
    ("ports", check_ports),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Is this machine ready for the workshop?")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[name for name, _ in CHECKS],
        help="leave a check out (make test skips ports: its servers pick free ports)",
    )
    skipped = set(parser.parse_args(argv).skip)
    failures = 0
    for name, check in CHECKS:
        if name in skipped:
            continue
        try:
            print(f"OK    {name:<15} {check()}")
        except CheckFailed as failure:
            failures += 1
            print(f"FAIL  {name:<15} {failure}")
    print("Ready for the workshop." if not failures else f"{failures} check(s) failed: see above.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
