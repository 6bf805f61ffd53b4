"""The Gradescope autograder, run the way Gradescope runs it: its zip unpacked into a stand-in
``/autograder/source``, a submission in ``/autograder/submission``, ``run_autograder``, then
``/autograder/results/results.json``. The points must be the local grader's."""

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.workshop.grading.conftest import GradedClass, committed_stub
from workshop.grading import gradescope
from workshop.paths import REPOSITORY_ROOT

ONLY = ["ex02_synchronous_only_operation", "ex07_atomic_transfer"]


@pytest.fixture(scope="module")
def autograder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("autograder")
    archive = gradescope.build(root / "build")
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)
        assert "tests/grading/test_ex07_atomic_transfer.py" in names
        assert not any(name.startswith(("solutions/", ".venv/", "var/")) for name in names)
        zipped.extractall(root / "source")
    for script in ("setup.sh", "run_autograder"):
        (root / "source" / script).chmod(0o755)
    # setup.sh would build this environment from requirements.txt; the test lends ours.
    (root / "source" / ".venv").symlink_to(REPOSITORY_ROOT / ".venv")
    return root


def run_autograder(root: Path, files: dict[str, str]) -> dict:
    shutil.rmtree(root / "submission", ignore_errors=True)
    shutil.rmtree(root / "results", ignore_errors=True)
    (root / "submission").mkdir()
    for name, text in files.items():
        (root / "submission" / f"{name}.py").write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(AUTOGRADER_ROOT=str(root), GRADING_ONLY=",".join(ONLY))
    completed = subprocess.run(
        [str(root / "source" / "run_autograder")],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return json.loads((root / "results" / "results.json").read_text())


def local_points(graded_class: GradedClass, learner: str) -> int:
    row = next(r for r in graded_class.grades["learners"] if r["learner"] == learner)
    return sum(row["exercises"][exercise]["score"] for exercise in ONLY)


def test_a_correct_submission_gets_the_local_points(
    autograder: Path, graded_class: GradedClass
) -> None:
    solutions = {e: (REPOSITORY_ROOT / "solutions" / f"{e}.py").read_text() for e in ONLY}
    document = run_autograder(autograder, solutions)
    assert document["score"] == local_points(graded_class, "complete") == 7
    assert len(document["tests"]) == 7
    assert {tuple(sorted(t)) for t in document["tests"]} == {
        ("max_score", "name", "output", "score")
    }
    assert all(t["score"] == t["max_score"] == 1 for t in document["tests"])


def test_an_untouched_submission_gets_the_local_points(
    autograder: Path, graded_class: GradedClass
) -> None:
    document = run_autograder(autograder, {e: committed_stub(e) for e in ONLY})
    assert document["score"] == local_points(graded_class, "untouched") == 0
    assert all(t["score"] == 0 and t["output"] for t in document["tests"])
