"""What strict nbval cannot see in the lessons' stored outputs, checked on the files themselves.

nbval only compares what is stored: a code cell without stored output is executed but never
compared, a ``raises-exception`` cell passes even when nothing is raised, and of an error only
``ename`` and ``evalue`` are compared. These tests close those gaps, and check the lesson shape
the instructor schedule and the site rely on (first cell, metadata, ending).
"""

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from workshop.committed_lessons import lessons_folder

ROOT = Path(__file__).resolve().parents[2]
# notebooks/, or the committed lessons when an attendee's `make test` found lessons JupyterLab saved
NOTEBOOKS = lessons_folder()
EXERCISES = ROOT / "exercises"
LESSONS = [
    "00_welcome",
    "01_django_setup",
    "02_synchronous_only_operation",
    "03_sync_to_async_vs_aget",
    "04_dependency_injection",
    "05_testing_with_a_database",
    "06_admin_in_the_same_process",
    "07_connections_and_transactions",
    "08_is_it_worth_it",
    "09_shipping_it",
    "10_users_across_the_boundary",
]
PRESENT = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Paths of a machine: home folders (also as ~/), temp folders, this checkout.
MACHINE_PATH = re.compile(
    r"(?<![\w.~-])/(?:work|root|tmp|var/folders|private/var|Users|home/[^/\s]+)/"
    r"|(?<![\w.])~/"
    r"|[A-Za-z]:\\\\?Users\\"
    rf"|{re.escape(str(ROOT))}"
)
# How Python prints a warning ("...: DeprecationWarning: message"), or one raised as an error.
WARNING = re.compile(r"\b[A-Z]\w*Warning\b:|^[A-Z]\w*Warning$", re.M)


def load(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def code_cells(notebook: Any) -> list[tuple[int, Any]]:
    return [(i, cell) for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]


def tags(cell: Any) -> set[str]:
    return set(cell.metadata.get("tags", []))


def output_texts(output: Any, tracebacks: bool = True) -> list[str]:
    """Every piece of text an output stores, without colour codes. Tracebacks (on request) quote
    library source lines, which may mention warnings without any warning being issued."""
    texts: list[str] = []
    if output.output_type == "stream":
        texts.append(output.text)
    elif output.output_type == "error":
        texts += [output.ename, output.evalue] + (output.traceback if tracebacks else [])
    else:
        texts += [value for value in output.get("data", {}).values() if isinstance(value, str)]
    return [ANSI.sub("", text) for text in texts]


lesson = pytest.mark.parametrize("path", PRESENT, ids=[p.stem for p in PRESENT])


def test_every_lesson_of_the_plan_is_there() -> None:
    assert [p.stem for p in PRESENT] == LESSONS


@lesson
def test_every_code_cell_has_stored_output_or_is_skipped(path: Path) -> None:
    notebook = load(path)
    empty = [
        i for i, cell in code_cells(notebook) if not cell.outputs and "nbval-skip" not in tags(cell)
    ]
    assert not empty, f"code cells without stored output (nbval would not check them): {empty}"


@lesson
def test_errors_are_stored_exactly_where_tagged(path: Path) -> None:
    notebook = load(path)
    for i, cell in code_cells(notebook):
        has_error = any(output.output_type == "error" for output in cell.outputs)
        if "raises-exception" in tags(cell):
            assert has_error, f"cell {i} is tagged raises-exception but stores no error"
        else:
            assert not has_error, f"cell {i} stores an error but is not tagged raises-exception"


@lesson
def test_outputs_hold_no_absolute_machine_path(path: Path) -> None:
    notebook = load(path)
    for i, cell in code_cells(notebook):
        for output in cell.outputs:
            for text in output_texts(output):
                match = MACHINE_PATH.search(text)
                assert match is None, (
                    f"cell {i} stores a machine path: ...{text[max(0, match.start() - 60) : match.end() + 60]}..."
                )


@lesson
def test_outputs_hold_no_warning_and_no_stderr(path: Path) -> None:
    notebook = load(path)
    for i, cell in code_cells(notebook):
        for output in cell.outputs:
            assert output.get("name") != "stderr", (
                f"cell {i} wrote to stderr: {output.text[:300]!r}"
            )
            for text in output_texts(output, tracebacks=False):
                assert not WARNING.search(text), f"cell {i} stores a warning: {text[:300]!r}"


@lesson
def test_metadata_describes_the_lesson(path: Path) -> None:
    workshop = load(path).metadata.get("workshop")
    assert workshop, "metadata['workshop'] is missing"
    assert workshop["lesson"] == int(path.stem[:2])
    assert isinstance(workshop["title"], str) and workshop["title"].strip()
    for key in ("questions", "objectives"):
        assert workshop[key] and all(isinstance(item, str) and item for item in workshop[key]), key
    assert isinstance(workshop["teaching_minutes"], int) and workshop["teaching_minutes"] > 0
    assert isinstance(workshop["exercise_minutes"], int) and workshop["exercise_minutes"] >= 0
    exercise = workshop["exercise"]
    if exercise is not None:
        # Exercises are numbered in lesson order (lessons 08 and 09 have none: lesson 10's is ex08).
        assert re.fullmatch(r"ex\d\d_[a-z0-9_]+", exercise), exercise
        assert (EXERCISES / f"{exercise}.py").is_file(), f"exercises/{exercise}.py does not exist"
        assert workshop["exercise_minutes"] > 0


@lesson
def test_first_cell_shows_what_the_metadata_says(path: Path) -> None:
    notebook = load(path)
    workshop = notebook.metadata["workshop"]
    first = notebook.cells[0]
    assert first.cell_type == "markdown"
    text = first.source
    assert "Questions" in text and "Objectives" in text
    for item in workshop["questions"] + workshop["objectives"]:
        assert item in text, f"first cell lacks: {item!r}"
    assert re.search(rf"teaching\D{{0,5}}{workshop['teaching_minutes']}\s*min", text, re.I)
    assert re.search(rf"exercise\D{{0,5}}{workshop['exercise_minutes']}\s*min", text, re.I)


@lesson
def test_ending_has_key_points_exercise_and_check_command(path: Path) -> None:
    notebook = load(path)
    workshop = notebook.metadata["workshop"]
    markdown = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    ending = "\n".join(markdown[-3:])
    assert "Key points" in ending
    exercise = workshop["exercise"]
    if exercise is not None:
        assert f"exercises/{exercise}.py" in ending
        assert f".venv/bin/pytest tests/grading -k {exercise[:4]}" in ending


@lesson
def test_links_to_other_lessons_resolve(path: Path) -> None:
    text = "\n".join(cell.source for cell in load(path).cells if cell.cell_type == "markdown")
    for target in re.findall(r"\]\((\d\d_[a-z_]+\.ipynb)\)", text):
        assert target[:-6] in LESSONS, f"link to {target}, which is not a lesson of the plan"


@lesson
def test_kernel_is_python3(path: Path) -> None:
    assert load(path).metadata["kernelspec"]["name"] == "python3"
