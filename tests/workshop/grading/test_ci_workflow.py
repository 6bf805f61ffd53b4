"""The CI workflow a learner's repository uses: the instructor's pinned grader, never the
learner's copy, and its grading command really grades."""

import os
import subprocess
from pathlib import Path

import yaml

from workshop.paths import REPOSITORY_ROOT

WORKFLOW = REPOSITORY_ROOT / "workshop" / "grading" / "ci" / "grade.yml"


def steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["grade"]["steps"]


def test_the_grader_is_the_instructors_pinned_one() -> None:
    document = yaml.safe_load(WORKFLOW.read_text())
    checkouts = [s["with"] for s in steps() if s.get("uses", "").startswith("actions/checkout")]
    assert checkouts[0] == {"path": "submission"}
    assert checkouts[1]["repository"] == "${{ env.GRADER_REPO }}"
    assert checkouts[1]["ref"] == "${{ env.GRADER_REF }}"
    assert document["env"]["GRADER_REF"] not in ("main", "master", "")
    grade = next(s for s in steps() if s.get("name") == "Grade")["run"]
    assert grade.startswith("cd grader && .venv/bin/python -m workshop.grading ../submission/")


def test_its_grading_command_grades_the_submission(tmp_path: Path) -> None:
    (tmp_path / "grader").mkdir()
    (tmp_path / "grader" / ".venv").symlink_to(REPOSITORY_ROOT / ".venv")
    (tmp_path / "submission" / "exercises").mkdir(parents=True)
    exercise = "ex02_synchronous_only_operation.py"
    (tmp_path / "submission" / "exercises" / exercise).write_text(
        (REPOSITORY_ROOT / "solutions" / exercise).read_text()
    )
    summary = tmp_path / "summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    grade = next(s for s in steps() if s.get("name") == "Grade")["run"]
    completed = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", grade],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    table = summary.read_text()
    assert table.startswith("```") and "exercises" in table
    assert "3/3" in table  # ex02 graded; the exercises not handed in are "missing file"
    assert (tmp_path / "grades" / "junit" / "exercises.xml").exists()
