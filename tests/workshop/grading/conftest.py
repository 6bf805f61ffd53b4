"""Tests of the grader. The synthetic class (fixtures/class.json) is graded ONCE per session, by
``python -m workshop.grading`` in a subprocess, from an "instructor" folder holding a canary and a
secret that hostile learners go after by absolute path; every test reads that one run."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workshop.grading.exercises import exercise_names
from workshop.paths import REPOSITORY_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
# Long enough for a real exercise on a busy 2-core machine, short enough for the endless loop.
TIME_LIMIT = 60
SECRET = "the instructor's secret 7f3a"

collect_ignore = ["fixtures"]


@dataclass
class GradedClass:
    class_dir: Path
    out_dir: Path
    instructor_dir: Path  # the grader's working directory, with a canary, a secret, a database
    returncode: int
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

    def feedback(self, learner: str) -> str:
        return (self.out_dir / "feedback" / f"{learner}.md").read_text()


def committed_stub(exercise: str) -> str:
    """The stub as committed: a learner who solved the exercises in their working copy still
    has the untouched stubs graded here."""
    return subprocess.run(
        ["git", "show", f"HEAD:exercises/{exercise}.py"],
        cwd=REPOSITORY_ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def build_class(class_dir: Path, placeholders: dict[str, str]) -> None:
    """One folder per learner, each exercise file from where class.json says."""
    manifest = json.loads((FIXTURES / "class.json").read_text())
    for learner, sources in manifest["learners"].items():
        folder = class_dir / learner
        folder.mkdir(parents=True)
        for exercise in exercise_names():
            source = sources.get(exercise, sources.get("*"))
            if source is None:
                continue  # not handed in
            if source == "stubs":
                text = committed_stub(exercise)
            elif source == "solutions":
                text = (REPOSITORY_ROOT / "solutions" / f"{exercise}.py").read_text()
            else:
                text = (FIXTURES / "files" / source).read_text()
            for name, value in placeholders.items():
                text = text.replace("{" + name + "}", value)
            (folder / f"{exercise}.py").write_text(text)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    root = tmp_path_factory.mktemp("graded-class")
    class_dir, out_dir, instructor = root / "class", root / "grades", root / "instructor"
    instructor.mkdir()
    (instructor / "grading-canary.txt").write_text("the instructor's file\n")
    (instructor / "secret.txt").write_text(SECRET + "\n")
    (instructor / "instructor.sqlite3").write_text("stands for the instructor's database\n")
    build_class(
        class_dir,
        {
            "CANARY": str(instructor / "grading-canary.txt"),
            "SECRET": str(instructor / "secret.txt"),
        },
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DATABASE_URL"] = f"sqlite:///{instructor / 'instructor.sqlite3'}"
    completed = subprocess.run(
        [sys.executable, "-m", "workshop.grading", str(class_dir), "--out", str(out_dir),
         "--time-limit", str(TIME_LIMIT)],
        cwd=instructor, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    grades_file = out_dir / "grades.json"
    assert grades_file.exists(), completed.stdout + completed.stderr
    grades = json.loads(grades_file.read_text())
    return GradedClass(
        class_dir, out_dir, instructor, completed.returncode,
        completed.stdout + completed.stderr, grades,
    )  # fmt: skip
