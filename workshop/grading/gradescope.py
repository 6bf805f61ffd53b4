"""Gradescope: the autograder zip (``make gradescope``) and what it runs on each submission.

Gradescope's documented layout: the zip is unpacked into ``/autograder/source`` and ``setup.sh``
runs once when the image is built; for each submission, ``/autograder/run_autograder`` runs with
the learner's files in ``/autograder/submission`` and must write
``/autograder/results/results.json`` (``score``, ``tests[]`` of ``name``, ``score``,
``max_score``, ``output``). The grading is this package's, sandboxed as locally (where bubblewrap
runs in Gradescope's container; otherwise the container itself is the isolation, and the output
says so), so a submission gets exactly the points ``make grade-class`` gives it.

``python -m workshop.grading.gradescope build OUT_DIR`` writes the zip;
``python -m workshop.grading.gradescope grade SUBMISSION RESULTS_JSON`` is what it runs.
"""

import argparse
import json
import os
import sys
import zipfile
from pathlib import Path

from workshop.paths import REPOSITORY_ROOT

# What the autograder needs of the checkout: the product, the grader, the checks, the stubs
# (for each exercise's hint), the pinned requirements.
SOURCES = (
    "app", "workshop", "tests/__init__.py", "tests/conftest.py", "tests/grading", "exercises",
    "requirements.txt", "requirements-app.txt", "pyproject.toml", "manage.py",
)  # fmt: skip
SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image.
set -euo pipefail
cd /autograder/source
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap python3 python3-venv >/dev/null \\
  || true
PYTHON=$(command -v python3.11 || command -v python3)
"$PYTHON" -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
"""
RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission (AUTOGRADER_ROOT: a stand-in root, for testing it).
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
cd "$ROOT/source"
mkdir -p "$ROOT/results"
PYTHONPATH="$ROOT/source" exec .venv/bin/python -m workshop.grading.gradescope grade \\
  "$ROOT/submission" "$ROOT/results/results.json"
"""


def build(out_dir: Path) -> Path:
    """Write ``out_dir/autograder.zip``: setup.sh and run_autograder at its top, the sources."""
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / "autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            zipped.writestr(info, text)
        for source in SOURCES:
            path = REPOSITORY_ROOT / source
            files = [path] if path.is_file() else sorted(path.rglob("*"))
            for file in files:
                if file.is_file() and "__pycache__" not in file.parts:
                    zipped.write(file, file.relative_to(REPOSITORY_ROOT).as_posix())
    return archive


def submitted_folder(submission: Path) -> Path:
    """The folder holding the exercise files: the submission, or an ``exercises/`` inside it."""
    from workshop.grading.exercises import is_learner_folder

    for candidate in (submission, submission / "exercises"):
        if is_learner_folder(candidate):
            return candidate
    found = sorted({p.parent for p in submission.rglob("ex[0-9][0-9]_*.py")})
    return found[0] if found else submission


def results(submission: Path, only: list[str] | None = None) -> dict:
    """Gradescope's results.json for one submission (``only``: some exercises, for tests)."""
    from workshop.grading.classroom import grade_learners

    graded = grade_learners([submitted_folder(submission)], only=only, echo=lambda line: None)
    row = graded.learners[0]
    tests = [
        {
            "name": f"{exercise}: {check.name}",
            "score": 1 if check.passed else 0,
            "max_score": 1,
            "output": check.message if not check.passed else "",
        }
        for exercise, result in row.exercises.items()
        for check in result.checks
    ]
    return {
        "score": row.total,
        "output": f"{row.total}/{row.points}; {graded.sandbox}",
        "tests": tests,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.grading.gradescope")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build").add_argument("out_dir", type=Path)
    grade = commands.add_parser("grade")
    grade.add_argument("submission", type=Path)
    grade.add_argument("results_json", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        print(f"written: {build(args.out_dir)}")
        return 0
    only = [name for name in os.environ.get("GRADING_ONLY", "").split(",") if name]
    document = results(args.submission.resolve(), only or None)
    args.results_json.write_text(json.dumps(document, indent=2) + "\n")
    print(document["output"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
