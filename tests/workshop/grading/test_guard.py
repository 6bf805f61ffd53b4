"""The guard, in fresh interpreters (its audit hook cannot be removed once added): every way of
setting DJANGO_ALLOW_ASYNC_UNSAFE, the effect of any other way, tampering, files outside."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.paths import REPOSITORY_ROOT

PRELUDE = """
import json, os, sys
from workshop.grading.guard import GUARD
GUARD.install(writable=[{scratch!r}], readable=[sys.prefix, sys.base_prefix, '/usr', {root!r}])
GUARD.take_snapshot()
GUARD.current_check = 0
"""
EPILOGUE = """
GUARD.end_of_check()
print(json.dumps([[act.kind, act.detail] for act in GUARD.acts]))
"""


def acts(tmp_path: Path, code: str) -> list[list[str]]:
    program = PRELUDE.format(scratch=str(tmp_path), root=str(REPOSITORY_ROOT)) + code + EPILOGUE
    completed = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(REPOSITORY_ROOT), "PATH": "/usr/bin:/bin"}, timeout=60,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    "code",
    [
        "os.environ['DJANGO_ALLOW_ASYNC_UNSAFE'] = '1'; del os.environ['DJANGO_ALLOW_ASYNC_UNSAFE']",
        "os.putenv('DJANGO_ALLOW_ASYNC_UNSAFE', '1')",
        "os.environ._data[b'DJANGO_ALLOW_ASYNC_UNSAFE'] = b'1'",
        "import subprocess; subprocess.run(['true'], env={'DJANGO_ALLOW_ASYNC_UNSAFE': '1'})",
        "import ctypes; ctypes.CDLL(None).setenv(b'DJANGO_ALLOW_ASYNC_UNSAFE', b'1', 1)",
    ],
    ids=["os.environ", "os.putenv", "environ-dict", "subprocess", "ctypes"],
)
def test_the_forbidden_variable_is_seen_however_it_is_set(tmp_path: Path, code: str) -> None:
    assert [kind for kind, _ in acts(tmp_path, code)][:1] == ["forbidden"]


def test_a_query_on_a_running_event_loop_is_seen_whatever_disabled_the_check(
    tmp_path: Path,
) -> None:
    """Django's check switched off without the variable: its loop lookup patched away."""
    code = (
        "import asyncio, django, django.utils.asyncio\n"
        f"os.environ['DATABASE_URL'] = 'sqlite:///{tmp_path}/db.sqlite3'\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'app.settings'\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "def no_loop():\n"
        "    raise RuntimeError('no running event loop')\n"
        "django.utils.asyncio.get_running_loop = no_loop\n"
        "connection.cursor().execute('select 1')  # no loop: fine\n"
        "async def route():\n"
        "    connection.cursor().execute('select 1')\n"
        "asyncio.run(route())\n"
    )
    assert acts(tmp_path, code) == [
        [
            "forbidden",
            "ran a synchronous ORM query on the event loop's thread with Django's async-safety "
            "check disabled",
        ]
    ]


def test_correct_code_is_not_flagged(tmp_path: Path) -> None:
    code = (
        "import asyncio, sqlite3, subprocess, pathlib\n"
        "subprocess.run(['true'])\n"
        "os.environ['SOMETHING_ELSE'] = '1'\n"
        "pathlib.Path('mine.txt').write_text('ok')\n"
        "async def route():\n"
        "    await asyncio.to_thread(lambda: sqlite3.connect(':memory:').execute('select 1'))\n"
        "asyncio.run(route())\n"
    )
    assert acts(tmp_path, code) == []


def test_patching_the_grader_through_sys_modules_is_tampering(tmp_path: Path) -> None:
    code = (
        "import workshop.grading.checks\n"
        "GUARD.take_snapshot()\n"
        "sys.modules['workshop.grading.checks'].fail = lambda *a, **k: None\n"
    )
    assert acts(tmp_path, code) == [
        ["tampering", "replaced the grader's or pytest's workshop.grading.checks.fail"]
    ]


def test_files_outside_the_folder_are_named_by_their_name_only(tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-canary.txt"
    outside.write_text("kept")
    code = f"import pathlib; pathlib.Path({str(outside)!r}).read_text()\n"
    assert acts(tmp_path, code) == [
        ["outside", f"tried to read a file outside its own folder ({outside.name})"]
    ]
