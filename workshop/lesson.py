"""Give a notebook (or any process) a fresh database of its own, migrated and seeded.

Each lesson calls :func:`use_lesson_database` in its setup cell, *before* anything imports a
model, so "Restart kernel and run all" prints the same output every time, in any order of
lessons, without touching the workshop database that ``make lab`` seeded.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor

from app.bootstrap import setup_django
from workshop.databases import is_postgresql, migrate, recreate_database
from workshop.paths import REPOSITORY_ROOT

LESSON_DATABASES = REPOSITORY_ROOT / "var" / "lessons"
RESTART = "Kernel › Restart Kernel and Run All Cells"  # noqa: RUF001 (JupyterLab's menu path)
# The lesson database this process set up, and its vendor: a repeat call with the same name
# (re-running a lesson's setup cell, very common) is then a no-op rather than an error.
_prepared: dict[str, str] = {}


def use_lesson_database(name: str) -> str:
    """Point ``DATABASE_URL`` at a new, empty database called after ``name``, then configure
    Django, migrate and seed it. Returns the database's vendor ("sqlite" or "postgresql").

    SQLite (default): ``var/lessons/<name>.sqlite3``, deleted first. PostgreSQL (when
    ``DATABASE_URL`` points at a server): a database of that name on that server, dropped and
    created again; its name always starts with ``lesson_`` (added when ``name`` lacks it), so a
    lesson can never drop a database of yours.

    Called again with the same ``name`` in the same process (a setup cell run twice), it changes
    nothing and returns the vendor: the database keeps what the lesson's cells put in it. Any
    other call after Django is set up cannot work (Django's settings are read once per process)
    and says how to start again: restart the kernel and run all cells.
    """
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"lesson database names use a-z, 0-9 and _ only, not {name!r}")
    from django.apps import apps

    if apps.ready:
        if name in _prepared:
            return _prepared[name]
        used = f"for {next(iter(_prepared))!r}" if _prepared else "by another cell"
        raise RuntimeError(
            f"use_lesson_database({name!r}) must run before Django is set up, and this kernel "
            f"already set Django up ({used}). Start the lesson again with {RESTART}."
        )
    server_url = os.environ.get("DATABASE_URL", "")
    if is_postgresql(server_url):
        database = name if name.startswith("lesson_") else f"lesson_{name}"
        os.environ["DATABASE_URL"] = recreate_database(server_url, database)
    else:
        LESSON_DATABASES.mkdir(parents=True, exist_ok=True)
        database_file = LESSON_DATABASES / f"{name}.sqlite3"
        for leftover in LESSON_DATABASES.glob(f"{name}.sqlite3*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database_file}"
    setup_django()
    # Jupyter's main thread runs an event loop, where Django refuses synchronous ORM calls
    # (SynchronousOnlyOperation): migrate and seed on a thread of their own.
    with ThreadPoolExecutor(max_workers=1) as executor:
        vendor = executor.submit(migrate, seed=True).result()
    _prepared[name] = vendor
    return vendor
