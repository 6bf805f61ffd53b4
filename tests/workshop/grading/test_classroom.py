"""The grader graded on a synthetic class (fixtures/class.json): the exact table, and for each
failure class what the learner is told and what cannot happen to anyone else."""

import csv
import json
import re
import xml.etree.ElementTree as ElementTree

from tests.workshop.grading.conftest import FIXTURES, SECRET, GradedClass
from workshop.grading.exercises import exercise_names
from workshop.paths import REPOSITORY_ROOT


def test_class_mode_exits_0_when_it_worked(graded_class: GradedClass) -> None:
    assert graded_class.returncode == 0, graded_class.output


def test_the_synthetic_class_gives_exactly_the_expected_table(graded_class: GradedClass) -> None:
    """Solutions full marks, committed stubs zero, correct-but-different answers full marks,
    each mistake exactly its points, each forbidden or hostile act zero with its reason."""
    expected = json.loads((FIXTURES / "expected_table.json").read_text())
    expected.pop("_comment")
    assert graded_class.cells() == expected


def _points_of_every_check() -> int:
    """The class's total: the maximum of each exercise, as the expected table states it."""
    complete = json.loads((FIXTURES / "expected_table.json").read_text())["complete"]
    return sum(int(cell.split("/")[1].split()[0]) for cell in complete.values())


def test_the_table_is_printed_with_the_sandbox_used(graded_class: GradedClass) -> None:
    lines = graded_class.output.splitlines()
    header = next(line for line in lines if line.startswith("learner "))
    assert header.split() == ["learner", *(e[:4] for e in exercise_names()), "total"]
    assert next(line for line in lines if line.startswith("complete ")).split()[-1] == (
        f"{_points_of_every_check()}/{_points_of_every_check()}"
    )
    assert graded_class.grades["sandbox"] in graded_class.output


def test_the_csv_matches_the_json(graded_class: GradedClass) -> None:
    with (graded_class.out_dir / "grades.csv").open() as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    for learner in graded_class.grades["learners"]:
        row = rows[learner["learner"]]
        assert [int(row[e]) for e in exercise_names()] == [
            learner["exercises"][e]["score"] for e in exercise_names()
        ]
        assert int(row["total"]) == learner["total"]
    assert "ex05_truncating_fixture: import error" in rows["partial"]["notes"]


def test_each_learner_gets_junit_xml_with_reasons_as_properties(graded_class: GradedClass) -> None:
    root = ElementTree.parse(graded_class.out_dir / "junit" / "unsafe.xml").getroot()
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert len(cases) == _points_of_every_check()  # one test case per point
    case = cases[("ex02_synchronous_only_operation", "test_unknown_author_is_404")]
    assert case.find("failure") is not None
    assert case.find("properties/property").attrib == {"name": "reason", "value": "forbidden"}
    complete = ElementTree.parse(graded_class.out_dir / "junit" / "complete.xml").getroot()
    assert not list(complete.iter("failure"))


def test_feedback_names_what_to_look_at_and_never_a_bare_error(graded_class: GradedClass) -> None:
    feedback = graded_class.feedback("partial")
    assert "look at notebooks/03_sync_to_async_vs_aget.ipynb" in feedback
    assert "select_related" in feedback
    # Examplar feedback: the kinds of bug missed, never the buggy variants' names.
    assert "an ISBN the catalogue does not know" in feedback
    assert "unknown_isbn" not in feedback
    assert "(half-done)" in feedback  # the non-atomic transfer
    assert not re.search(r"AssertionError\s*$", feedback, re.MULTILINE)
    untouched = graded_class.feedback("untouched")
    assert untouched.count("is still a TODO") >= len(exercise_names()) - 2


def test_feedback_shows_no_machine_path(graded_class: GradedClass) -> None:
    for path in (graded_class.out_dir / "feedback").iterdir():
        text = path.read_text()
        assert "/scratch" not in text, path.name
        assert "/tmp/" not in text, path.name
        assert not re.search(r"grading-[a-z0-9_]{8}", text), path.name  # a temporary folder
        assert str(REPOSITORY_ROOT) not in text, path.name


def test_mistakes_lose_exactly_their_check(graded_class: GradedClass) -> None:
    mistakes = graded_class.feedback("mistakes")
    assert "only set it when it is missing" in mistakes  # ex01: overwrote the settings module
    assert "'Demian', 'Siddhartha', 'Steppenwolf', 'The Glass Bead Game'" in mistakes  # ex02
    assert "django_content_type" in mistakes  # ex05: KEEP ignored
    assert "left Django unconfigured" in graded_class.feedback("early_return")


def test_a_forbidden_shortcut_is_named_wherever_it_is_set(graded_class: GradedClass) -> None:
    feedback = graded_class.feedback("unsafe")
    ex02 = feedback.split("## ex02")[1].split("## ex03")[0]
    ex03 = feedback.split("## ex03")[1].split("## ex04")[0]
    assert ex02.count("DJANGO_ALLOW_ASYNC_UNSAFE") >= 3  # set in the route, removed in finally
    assert ex03.count("` (forbidden):") == 6  # set at import, behind os.environ's back
    # graded in the same process after both: another exercise's act costs it nothing
    assert "## ex07_atomic_transfer: 4/4" in feedback


def test_hostile_code_cannot_touch_the_instructor_files(graded_class: GradedClass) -> None:
    # hostile_ex05 deleted the canary by absolute path and read the secret beside it;
    # deletes_files_ex05 deleted its cwd's canary, its DATABASE_URL and the files beside itself.
    assert (graded_class.instructor_dir / "grading-canary.txt").exists()
    assert (graded_class.instructor_dir / "instructor.sqlite3").exists()
    assert SECRET not in json.dumps(graded_class.grades)
    assert SECRET not in graded_class.output
    handed_in = ["ex03_async_orm.py", "ex05_truncating_fixture.py"]
    assert sorted(p.name for p in (graded_class.class_dir / "endless_loop").iterdir()) == handed_in
    assert not list(graded_class.class_dir.rglob("__pycache__"))


def test_each_hostile_act_is_named_in_the_feedback(graded_class: GradedClass) -> None:
    feedback = graded_class.feedback("hostile")
    assert "replaced the grader's or pytest's" in feedback  # patches through sys.modules
    assert "tried to delete or move" in feedback and "grading-canary.txt" in feedback
    assert "tried to read" in feedback and "secret.txt" in feedback
    assert "ended the process" in feedback  # os._exit: "exits", not "crashed"
    assert "printed more than" in feedback  # the flood
    assert "wrote into the grader's channel" in graded_class.feedback("forger")


def test_hostile_learners_leave_the_others_grades_alone(graded_class: GradedClass) -> None:
    """Graded in the same run, in parallel with the hostile ones: full marks stay full."""
    cells = graded_class.cells()
    assert set(cells["complete"].values()) == {f"{n}/{n}" for n in (6, 3, 6, 7, 4, 4)}
