"""What a check file gets from workshop.grading.checks and exercises: loading and reasons."""

from pathlib import Path

import pytest

from workshop.grading.checks import CheckFailed, fail, load_exercise
from workshop.grading.exercises import (
    discover_learners,
    exercise_names,
    is_class_folder,
    is_learner_folder,
    look_at,
)
from workshop.paths import REPOSITORY_ROOT

EX02 = "ex02_synchronous_only_operation"


def test_each_target_gets_its_own_module() -> None:
    stub = load_exercise(REPOSITORY_ROOT / "exercises", EX02)
    solution = load_exercise(REPOSITORY_ROOT / "solutions", EX02)
    assert stub is not solution
    assert stub.__file__ == str(REPOSITORY_ROOT / "exercises" / f"{EX02}.py")
    assert solution.__file__ == str(REPOSITORY_ROOT / "solutions" / f"{EX02}.py")


def test_a_failed_check_carries_its_reason_as_data(tmp_path: Path) -> None:
    with pytest.raises(CheckFailed) as raised:
        load_exercise(tmp_path, EX02)
    assert raised.value.reason == "missing file"
    assert str(tmp_path) not in raised.value.msg  # the file's name, not a machine path
    with pytest.raises(CheckFailed) as raised:
        fail(EX02, "wrong", "expected 200")
    assert raised.value.reason == "wrong"
    assert raised.value.msg.endswith("look at notebooks/02_synchronous_only_operation.ipynb")


@pytest.mark.parametrize(
    ("source", "reason"),
    [("def broken(:\n", "syntax error"), ("raise SystemExit(3)\n", "exits"),
     ("import no_such_module\n", "import error"), ("1 / 0\n", "import error")],
)  # fmt: skip
def test_a_module_that_does_not_import_is_told_why(
    tmp_path: Path, source: str, reason: str
) -> None:
    (tmp_path / f"{EX02}.py").write_text(source)
    with pytest.raises(CheckFailed) as raised:
        load_exercise(tmp_path, EX02)
    assert raised.value.reason == reason


def test_exercises_are_the_check_files_and_hints_come_from_the_stubs() -> None:
    assert exercise_names()[0] == "ex01_django_setup"
    assert len(exercise_names()) == len(
        list((REPOSITORY_ROOT / "tests" / "grading").glob("test_ex*.py"))
    )
    assert look_at("ex03_async_orm") == "notebooks/03_sync_to_async_vs_aget.ipynb"
    assert look_at("ex99_unknown") == "exercises/ex99_unknown.py"


def test_learner_and_class_folders_are_told_apart(tmp_path: Path) -> None:
    assert is_learner_folder(REPOSITORY_ROOT / "solutions")
    (tmp_path / "ana").mkdir()
    (tmp_path / "ana" / "ex01_django_setup.py").write_text("")
    assert is_class_folder(tmp_path)
    assert not is_class_folder(REPOSITORY_ROOT / "solutions")
    assert discover_learners(tmp_path) == [tmp_path / "ana"]
