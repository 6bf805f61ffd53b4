"""Which exercises exist and where a learner should look when one fails.

An exercise exists when ``tests/grading/test_<exercise>.py`` exists: adding a check file is all
it takes, no registry to edit. Where to look is read from the stub's own "Hints (notebooks/...)"
line, so the hint and the exercise cannot drift apart.
"""

import re
from functools import cache
from pathlib import Path

from workshop.paths import REPOSITORY_ROOT

CHECKS_DIR = REPOSITORY_ROOT / "tests" / "grading"
STUBS_DIR = REPOSITORY_ROOT / "exercises"
EXERCISE_FILE = re.compile(r"ex\d\d_[a-z0-9_]+\.py")
_HINT = re.compile(r"(notebooks/\d\d_[a-z0-9_]+\.ipynb)")


def exercise_names() -> list[str]:
    """The exercises the grader knows, in order: one ``test_<exercise>.py`` check file each."""
    return sorted(p.stem.removeprefix("test_") for p in CHECKS_DIR.glob("test_ex[0-9][0-9]_*.py"))


def check_file(exercise: str) -> Path:
    return CHECKS_DIR / f"test_{exercise}.py"


@cache
def look_at(exercise: str) -> str:
    """The lesson to re-read when ``exercise`` fails (from its stub), else the stub itself."""
    stub = STUBS_DIR / f"{exercise}.py"
    if stub.is_file():
        match = _HINT.search(stub.read_text())
        if match:
            return match.group(1)
    return f"exercises/{exercise}.py"


def is_learner_folder(path: Path) -> bool:
    return path.is_dir() and any(EXERCISE_FILE.fullmatch(p.name) for p in path.iterdir())


def is_class_folder(path: Path) -> bool:
    """A folder of learner folders (and no exercise files of its own)."""
    return (
        path.is_dir()
        and not is_learner_folder(path)
        and any(is_learner_folder(child) for child in path.iterdir())
    )


def discover_learners(class_dir: Path) -> list[Path]:
    return sorted(child for child in class_dir.iterdir() if is_learner_folder(child))
