"""``python -m workshop.grading [FOLDER]``: grade exercises.

- no folder, ``exercises`` or ``solutions``: your own work (or ours), checked in this process with
  pytest (``make grade``): fast, with pytest's usual output and "your score";
- any other folder: someone else's code, graded sandboxed. A folder of learner folders is a class
  (``make grade-class``); a folder of exercise files is one learner. The table is printed and
  written, with CSV, JSON, JUnit XML and feedback files, to ``--out``.
"""

import argparse
import os
import sys
from pathlib import Path

from workshop.paths import REPOSITORY_ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workshop.grading", description=__doc__)
    parser.add_argument("folder", nargs="?", default="exercises")
    parser.add_argument("--out", type=Path, default=REPOSITORY_ROOT / "build" / "grades")
    parser.add_argument("--only", action="append", help="exercise prefix, e.g. ex03 (repeatable)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=0, help="parallel graders (0: one per core)")
    args = parser.parse_args(argv)
    if args.folder in ("exercises", "solutions"):
        return _own_work(args.folder, args.only or [], args.time_limit)
    folder = Path(args.folder).resolve()
    if not folder.is_dir():
        parser.error(f"{args.folder}: no such folder")
    from workshop.grading.classroom import grade_class
    from workshop.grading.reports import format_table

    result = grade_class(
        folder, args.out.resolve(), only=args.only, time_limit=args.time_limit,
        jobs=args.jobs or None,
    )  # fmt: skip
    print(format_table(result))
    print(f"written: {args.out}/ (grades.csv, grades.json, feedback/, junit/)")
    return 0


def _own_work(folder: str, only: list[str], time_limit: float) -> int:
    """pytest on the checks, in this process's place (exec): your code, your machine."""
    # Only the plugin the checks need: a second or more saved on every run.
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    command = [
        sys.executable, "-m", "pytest", "-p", "pytest_django.plugin",
        str(REPOSITORY_ROOT / "tests" / "grading"),
        "--target", folder, "--time-limit", str(time_limit),
    ]  # fmt: skip
    if only:
        command += ["-k", " or ".join(only)]
    sys.stdout.flush()
    os.execv(sys.executable, command)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
