"""What check files import, kept under its old name: the home is ``workshop.grading.checks``."""

from workshop.grading.checks import CheckFailed, calling, fail, load_exercise, module_path
from workshop.grading.exercises import exercise_names, look_at
from workshop.paths import REPOSITORY_ROOT as REPO_ROOT

EXERCISES = exercise_names()
NOTEBOOKS = {exercise: look_at(exercise) for exercise in EXERCISES}  # read from each stub

__all__ = [
    "EXERCISES", "NOTEBOOKS", "REPO_ROOT", "CheckFailed", "calling", "fail", "load_exercise", "module_path",
]  # fmt: skip
