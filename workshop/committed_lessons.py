"""Which copy of the lessons an attendee's ``make test`` checks: ``python -m workshop.committed_lessons``.

JupyterLab saves a lesson every time an attendee runs it: the file then holds their outputs
(tracebacks with their machine's paths, other timings, cells they edited). That is their work, not
a defect of the lesson, so an attendee's ``make test`` checks the lessons *as committed*: when any
lesson differs from git's ``HEAD``, the committed ``notebooks/`` folder is exported into
``build/committed-lessons/notebooks`` and the lesson checks (structure, strict nbval, the site) read
it from there. Contributors (``make check``, CI: ``--strict``) check the working tree itself, so a
lesson about to be committed with a machine path or a stale output still fails.

Prints the folder to check (relative to the repository root) on stdout.
"""

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from workshop.paths import NOTEBOOKS, REPOSITORY_ROOT

EXPORT = REPOSITORY_ROOT / "build" / "committed-lessons"
# Read by the lesson checks (tests/notebooks, the site's hooks) and `make notebooks`.
ENVIRONMENT_VARIABLE = "WORKSHOP_LESSONS"


def lessons_folder() -> Path:
    """The lessons the checks read: ``$WORKSHOP_LESSONS`` (set by ``make test``) or notebooks/."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    return (REPOSITORY_ROOT / chosen).resolve() if chosen else NOTEBOOKS


def _git(*arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        ["git", *arguments], cwd=REPOSITORY_ROOT, capture_output=True, check=False, timeout=60
    )


def changed_lessons() -> list[str] | None:
    """The lessons (paths under notebooks/) that differ from ``HEAD``; None outside a git checkout."""
    try:
        if _git("rev-parse", "--verify", "-q", "HEAD").returncode != 0:
            return None
    except FileNotFoundError:  # no git on this machine (e.g. a downloaded zip): nothing to compare
        return None
    diff = _git("diff", "--name-only", "HEAD", "--", "notebooks/")
    return [name for name in diff.stdout.decode().splitlines() if name.endswith(".ipynb")]


def export_committed(destination: Path = EXPORT) -> Path:
    """Write ``HEAD``'s notebooks/ folder under ``destination`` and return the lessons' folder."""
    archive = _git("archive", "--format=tar", "HEAD", "notebooks")
    if archive.returncode != 0:
        raise SystemExit(f"git archive failed: {archive.stderr.decode().strip()}")
    shutil.rmtree(destination, ignore_errors=True)
    destination.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(destination, filter="data")
    return destination / "notebooks"


def lessons_to_check(strict: bool) -> Path:
    if strict or not changed_lessons():
        return NOTEBOOKS
    return export_committed()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--strict", action="store_true", help="check notebooks/ as it is (contributors, CI)"
    )
    arguments = parser.parse_args(argv)
    folder = lessons_to_check(arguments.strict)
    if folder != NOTEBOOKS:
        print(
            f"Lessons changed since the last commit ({', '.join(changed_lessons() or [])}): "
            f"checking the committed lessons, exported to {folder.relative_to(REPOSITORY_ROOT)}/",
            file=sys.stderr,
        )
    print(folder.relative_to(REPOSITORY_ROOT).as_posix())
    return 0


if __name__ == "__main__":
    sys.exit(main())
