"""The sandbox itself: what a process inside it can see, write and reach."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.grading import sandbox as sandboxes
from workshop.paths import REPOSITORY_ROOT

SANDBOX = sandboxes.probe()
needs_bubblewrap = pytest.mark.skipif(
    not SANDBOX.isolated_filesystem, reason=f"bubblewrap cannot run here: {SANDBOX.note}"
)


def run_inside(scratch: Path, code: str) -> subprocess.CompletedProcess:
    command = SANDBOX.command(
        [sys.executable, "-c", code], scratch, {"PYTHONPATH": str(REPOSITORY_ROOT)}
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_the_probe_says_in_one_line_which_isolation_grading_gets() -> None:
    assert SANDBOX.kind in ("bubblewrap", "process isolation")
    assert "\n" not in SANDBOX.note and SANDBOX.note


@needs_bubblewrap
def test_only_what_grading_needs_is_visible(tmp_path: Path) -> None:
    home = Path.home()
    probe = (
        "import json, os, pathlib; root = pathlib.Path(os.environ['PYTHONPATH']);"
        "print(json.dumps(sorted(p.name for p in root.iterdir())));"
        f"home = pathlib.Path({str(home)!r});"
        "print(json.dumps(sorted(p.name for p in home.iterdir()) if home.exists() else []));"
        "print(pathlib.Path('/scratch').is_dir())"
    )
    completed = run_inside(tmp_path, probe)
    assert completed.returncode == 0, completed.stderr
    visible, in_home, scratch = completed.stdout.splitlines()
    # no solutions/, var/, .git or anything else of the checkout
    assert json.loads(visible) == sorted([".venv", *sandboxes.READABLE])
    # of the home, only the way to the Python installation (when it lives there)
    on_the_way = {
        path.relative_to(home).parts[0]
        for path in (Path(sys.base_prefix).resolve(), REPOSITORY_ROOT)
        if path.is_relative_to(home)
    }
    assert set(json.loads(in_home)) <= on_the_way
    assert scratch == "True"


@needs_bubblewrap
def test_the_scratch_folder_is_the_only_writable_place(tmp_path: Path) -> None:
    canary = tmp_path.parent / f"{tmp_path.name}-canary.txt"
    canary.write_text("kept\n")
    code = (
        "import pathlib, sys\n"
        "pathlib.Path('/scratch/mine.txt').write_text('ok')\n"
        f"for path in ({str(canary)!r}, {str(REPOSITORY_ROOT / 'app' / 'x.py')!r}):\n"
        "    try:\n"
        "        pathlib.Path(path).write_text('gone')\n"
        "        print('wrote', path)\n"
        "    except OSError as error:\n"
        "        print('refused', type(error).__name__)\n"
    )
    completed = run_inside(tmp_path, code)
    assert completed.returncode == 0, completed.stderr
    assert "wrote" not in completed.stdout
    assert completed.stdout.count("refused") == 2
    assert (tmp_path / "mine.txt").read_text() == "ok"
    assert canary.read_text() == "kept\n"


@needs_bubblewrap
def test_there_is_no_network(tmp_path: Path) -> None:
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 5432), timeout=2)\n"
        "    print('connected')\n"
        "except OSError as error:\n"
        "    print('refused')\n"
    )
    completed = run_inside(tmp_path, code)
    assert completed.stdout.strip() == "refused", completed.stdout + completed.stderr
