"""What the site is built from: the notebooks' ``workshop`` metadata and the exercise files.

The instructor schedule, the lesson map and the exercise pages are generated from these, so the
site cannot drift from the lessons (DESIGN.md section 4).
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from workshop.paths import REPOSITORY_ROOT

NOTEBOOKS = "notebooks"
EXERCISES = "exercises"
SOLUTIONS = "solutions"
_NOTEBOOK_NAME = re.compile(r"(\d\d)_[a-z0-9_]+\.ipynb")
_EXERCISE_NAME = re.compile(r"ex(\d\d)_[a-z0-9_]+\.py")
_EXERCISE_PREFIX = re.compile(r"^exercise\s*\d+\s*[·:.\-\u2013\u2014]\s*", re.I)


class WorkshopDataError(ValueError):
    """A notebook or exercise file the site cannot describe (raised so a strict build fails)."""


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str  # file name without .ipynb, e.g. "02_synchronous_only_operation"
    title: str
    questions: list[str] = field(default_factory=list)
    objectives: list[str] = field(default_factory=list)
    teaching_minutes: int = 0
    exercise_minutes: int = 0
    exercise: str | None = None

    @property
    def filename(self) -> str:
        return f"{self.slug}.ipynb"

    @property
    def src_uri(self) -> str:
        """Where the notebook pretends to live inside the docs_dir."""
        return f"lessons/{self.filename}"


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str  # e.g. "ex03_async_orm"
    title: str
    statement: str  # the module docstring after its first line
    has_solution: bool

    @property
    def src_uri(self) -> str:
        return f"exercises/{self.slug}.md"

    @property
    def plain_title(self) -> str:
        """The title without Markdown code marks, for the navigation (which shows text)."""
        return self.title.replace("`", "")


def read_lesson(path: Path) -> Lesson:
    match = _NOTEBOOK_NAME.fullmatch(path.name)
    if not match:
        raise WorkshopDataError(f"{path.name}: lesson notebooks are named NN_slug.ipynb")
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))["metadata"]
    except (json.JSONDecodeError, KeyError) as error:
        raise WorkshopDataError(f"{path.name}: not a readable notebook ({error})") from None
    meta = metadata.get("workshop")
    if not isinstance(meta, dict):
        raise WorkshopDataError(f'{path.name}: metadata has no "workshop" object')
    number = int(match.group(1))
    if meta.get("lesson", number) != number:
        raise WorkshopDataError(
            f"{path.name}: metadata says lesson {meta.get('lesson')}, the file name says {number}"
        )
    try:
        return Lesson(
            number=number,
            slug=path.stem,
            title=str(meta["title"]),
            questions=[str(q) for q in meta.get("questions", [])],
            objectives=[str(o) for o in meta.get("objectives", [])],
            teaching_minutes=int(meta.get("teaching_minutes", 0)),
            exercise_minutes=int(meta.get("exercise_minutes", 0) or 0),
            exercise=meta.get("exercise") or None,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise WorkshopDataError(f"{path.name}: bad workshop metadata ({error!r})") from None


def find_lessons(root: Path = REPOSITORY_ROOT) -> list[Lesson]:
    """Every lesson notebook present, in lesson order."""
    folder = root / NOTEBOOKS
    if not folder.is_dir():
        return []
    paths = sorted(p for p in folder.glob("*.ipynb") if _NOTEBOOK_NAME.fullmatch(p.name))
    return [read_lesson(path) for path in paths]


def read_exercise(path: Path, solutions: Path) -> Exercise:
    match = _EXERCISE_NAME.fullmatch(path.name)
    if not match:
        raise WorkshopDataError(f"{path.name}: exercise files are named exNN_slug.py")
    try:
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except SyntaxError as error:
        raise WorkshopDataError(f"{path.name}: cannot be parsed ({error})") from None
    first, _, rest = docstring.strip().partition("\n")
    # "Exercise 03 · Rewrite a repository..." -> "Rewrite a repository..."
    title = _EXERCISE_PREFIX.sub("", first.strip()).rstrip(".") or path.stem
    return Exercise(
        number=int(match.group(1)),
        slug=path.stem,
        title=title,
        statement=rest.strip(),
        has_solution=(solutions / path.name).is_file(),
    )


def find_exercises(root: Path = REPOSITORY_ROOT) -> list[Exercise]:
    folder = root / EXERCISES
    if not folder.is_dir():
        return []
    paths = sorted(p for p in folder.glob("ex*.py") if _EXERCISE_NAME.fullmatch(p.name))
    return [read_exercise(path, root / SOLUTIONS) for path in paths]
