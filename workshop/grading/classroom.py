"""Grade a class: one folder per learner, each laid out like ``exercises/``.

Each learner is graded in a sandboxed child of their own (``runner``), ``jobs`` at a time: a
syntax error, an endless loop, an exit or hostile code costs that learner that exercise, with the
reason in the table (the exercises the child did not reach are graded again, each alone), and
grading goes on.
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from workshop.grading import sandbox as sandboxes
from workshop.grading.exercises import discover_learners, exercise_names, is_learner_folder
from workshop.grading.reports import write_reports
from workshop.grading.results import ClassResult, ExerciseResult, LearnerResult
from workshop.grading.runner import DEFAULT_TIME_LIMIT, expected_checks, grade_learner


def grade_learners(
    learners: list[Path],
    *,
    only: list[str] | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
    jobs: int | None = None,
    echo: Callable[[str], None] = print,
) -> ClassResult:
    started = time.monotonic()
    sandbox = sandboxes.probe()
    # Learner code gets a throwaway SQLite database only: a PostgreSQL branch (exercise 05's
    # TRUNCATE) is never graded here, and the report says so.
    note = f"{sandbox.note}; SQLite only: PostgreSQL branches not graded"
    echo(note)
    exercises = [e for e in exercise_names() if not only or any(e.startswith(o) for o in only)]
    expected_checks()  # once, before the workers start
    jobs = jobs or os.cpu_count() or 1
    echo(f"grading {len(learners)} learner(s) x {len(exercises)} exercise(s), {jobs} at a time")
    results: dict[str, dict[str, ExerciseResult]] = {learner.name: {} for learner in learners}

    def grade(learner: Path) -> None:
        graded = grade_learner(learner, exercises, time_limit=time_limit, sandbox=sandbox)
        results[learner.name] = graded
        cells = " ".join(
            f"{result.score}/{result.points}" + (f" ({result.reason})" if result.reason else "")
            for result in graded.values()
        )
        echo(f"  {learner.name:<20} {cells}")

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(grade, learners))
    rows = [
        LearnerResult(name, {exercise: results[name][exercise] for exercise in exercises})
        for name in sorted(results)
    ]
    return ClassResult(exercises, rows, time.monotonic() - started, note)


def grade_class(class_dir: Path, out_dir: Path, **options: Any) -> ClassResult:
    """Grade every learner folder of ``class_dir`` (or ``class_dir`` itself, one learner's
    copy); write the table, CSV, JSON, JUnit and feedback to ``out_dir``."""
    learners = [class_dir] if is_learner_folder(class_dir) else discover_learners(class_dir)
    if not learners:
        raise ValueError(f"{class_dir.name} holds no learner folders (each with exNN_*.py files)")
    result = grade_learners(learners, **options)
    result.files = write_reports(result, out_dir)
    return result
