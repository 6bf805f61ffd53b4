"""Tests of the grader. The synthetic class (fixtures/class.json) is graded ONCE per session, by
the class grader's command line in a subprocess, and every test reads that one run."""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.grading.support import EXERCISES, REPO_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
CLASSROOM = REPO_ROOT / "tests" / "grading" / "classroom.py"
# Long enough for a real exercise on a busy 2-core machine, short enough for the endless loop.
TIME_LIMIT = 40

collect_ignore = ["fixtures"]


@dataclass
class GradedClass:
    class_dir: Path
    out_dir: Path
    instructor_dir: Path  # the grader's working directory, with a canary file and database
    output: str
    grades: dict[str, Any]

    def cells(self) -> dict[str, dict[str, str]]:
        return {
            learner["learner"]: {
                exercise: f"{r['score']}/{r['points']}" + (f" {r['reason']}" if r["reason"] else "")
                for exercise, r in learner["exercises"].items()
            }
            for learner in self.grades["learners"]
        }


def build_class(class_dir: Path) -> None:
    """One folder per learner, each exercise file copied from where class.json says."""
    manifest = json.loads((FIXTURES / "class.json").read_text())
    for learner, sources in manifest["learners"].items():
        folder = class_dir / learner
        folder.mkdir(parents=True)
        for exercise in EXERCISES:
            source = sources.get(exercise, sources.get("*"))
            if source is None:
                continue  # not handed in
            if source in ("solutions", "exercises"):
                path = REPO_ROOT / source / f"{exercise}.py"
            else:
                path = FIXTURES / "files" / source
            shutil.copyfile(path, folder / f"{exercise}.py")


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    root = tmp_path_factory.mktemp("graded-class")
    class_dir, out_dir, instructor = root / "class", root / "grades", root / "instructor"
    build_class(class_dir)
    instructor.mkdir()
    (instructor / "grading-canary.txt").write_text("the instructor's file\n")
    (instructor / "instructor.sqlite3").write_text("stands for the instructor's database\n")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{instructor / 'instructor.sqlite3'}"
    completed = subprocess.run(
        [sys.executable, str(CLASSROOM), str(class_dir), "--out", str(out_dir),
         "--time-limit", str(TIME_LIMIT)],
        cwd=instructor, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    grades = json.loads((out_dir / "grades.json").read_text())
    return GradedClass(class_dir, out_dir, instructor, completed.stdout, grades)
