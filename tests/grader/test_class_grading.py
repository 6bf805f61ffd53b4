"""The grader graded: full marks for the solutions, zero for the stubs, the synthetic class's
exact table, isolation of learner code, and the files written for the instructor and learners."""

import csv
import json

from tests.grader.conftest import FIXTURES, GradedClass
from tests.grading.support import EXERCISES


def test_every_solution_scores_full_marks(graded_class: GradedClass) -> None:
    complete = graded_class.cells()["complete"]
    not_full = {e: cell for e, cell in complete.items() if cell.split("/")[0] != cell.split("/")[1]}
    assert not_full == {}, graded_class.out_dir / "feedback" / "complete.md"


def test_every_untouched_stub_scores_zero(graded_class: GradedClass) -> None:
    untouched = graded_class.cells()["untouched"]
    assert set(untouched) == set(EXERCISES)
    assert {e: cell for e, cell in untouched.items() if not cell.startswith("0/")} == {}


def test_the_synthetic_class_gives_exactly_the_expected_table(graded_class: GradedClass) -> None:
    expected = json.loads((FIXTURES / "expected_table.json").read_text())
    expected.pop("_comment")
    assert graded_class.cells() == expected


def test_the_table_is_printed(graded_class: GradedClass) -> None:
    lines = graded_class.output.splitlines()
    header = next(line for line in lines if line.startswith("learner "))
    assert header.split() == ["learner", *(e[:4] for e in EXERCISES), "total"]
    partial = next(line for line in lines if line.startswith("partial "))
    assert partial.split()[-1] == "22/42"
    assert "0/4 import error" in partial


def test_the_csv_matches_the_json(graded_class: GradedClass) -> None:
    with (graded_class.out_dir / "grades.csv").open() as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in graded_class.grades["learners"]:
        row = rows[learner["learner"]]
        assert [int(row[e]) for e in EXERCISES] == [
            learner["exercises"][e]["score"] for e in EXERCISES
        ]
        assert int(row["total"]) == learner["total"]
    assert rows["partial"]["notes"] == "ex05_truncating_fixture: import error"


def test_each_learner_gets_feedback_naming_what_to_look_at(graded_class: GradedClass) -> None:
    feedback = (graded_class.out_dir / "feedback" / "partial.md").read_text()
    assert "look at notebooks/03_sync_to_async_vs_aget.ipynb" in feedback
    assert "select_related" in feedback
    # Examplar feedback: the kinds of bug missed, never the buggy variants' names.
    assert "an ISBN the catalogue does not know" in feedback
    assert "unknown_isbn" not in feedback
    assert "half-done" in feedback  # the non-atomic transfer
    untouched = (graded_class.out_dir / "feedback" / "untouched.md").read_text()
    assert untouched.count("is still a TODO") >= len(EXERCISES) - 2


def test_learner_code_cannot_touch_the_instructor_files(graded_class: GradedClass) -> None:
    # deletes_files_ex05.py deleted the canary in its working directory, the database in its
    # DATABASE_URL and every file beside itself: in the grading subprocess's own copies only.
    assert (graded_class.instructor_dir / "grading-canary.txt").exists()
    assert (graded_class.instructor_dir / "instructor.sqlite3").exists()
    handed_in = ["ex03_async_orm.py", "ex05_truncating_fixture.py"]
    assert sorted(p.name for p in (graded_class.class_dir / "endless_loop").iterdir()) == handed_in
    assert not list(graded_class.class_dir.rglob("__pycache__"))
