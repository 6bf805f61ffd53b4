"""``python -m workshop.doctor`` (``make doctor``): is this machine ready for the workshop?

One ``OK``/``FAIL`` line per check, each failure with the command that fixes it; exit status 1
if anything failed. Run it before the workshop day, not during the first lesson.
"""

import importlib.metadata
import socket
import subprocess
import sys
from collections.abc import Callable

from workshop.paths import REPOSITORY_ROOT
from workshop.requirements import pinned_requirements

REQUIREMENTS = REPOSITORY_ROOT / "requirements.txt"
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


def check_packages() -> str:
    pins = pinned_requirements(REQUIREMENTS)
    wrong = []
    for name, pinned in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} missing")
            continue
        if installed != pinned:
            wrong.append(f"{name} {installed} (pinned {pinned})")
    if wrong:
        raise CheckFailed(
            f"{', '.join(wrong)}: run `make setup` (or `pip install -r requirements.txt`)"
        )
    return f"{len(pins)} pinned packages installed at their pinned versions"


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


def check_ports() -> str:
    busy = []
    for port, user in LESSON_PORTS.items():
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                busy.append(f"{port} ({user})")
    if busy:
        raise CheckFailed(
            f"port(s) in use: {', '.join(busy)}: stop the program using them "
            "(`lsof -i :PORT` or `ss -ltnp` shows it)"
        )
    return f"ports {', '.join(map(str, LESSON_PORTS))} free"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("python", check_python),
    ("packages", check_packages),
    ("database", check_database),
    ("jupyter kernel", check_kernel),
    ("ports", check_ports),
]


def main() -> int:
    failures = 0
    for name, check in CHECKS:
        try:
            print(f"OK    {name:<15} {check()}")
        except CheckFailed as failure:
            failures += 1
            print(f"FAIL  {name:<15} {failure}")
    print("Ready for the workshop." if not failures else f"{failures} check(s) failed: see above.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
