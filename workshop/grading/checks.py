"""What a check file (``tests/grading/test_exNN_*.py``) imports: load the learner's module, fail
with a reason a learner can act on.

A failed check raises :class:`CheckFailed`, which carries its reason ("todo", "wrong", ...) as
data: the grading plugin stores it as a JUnit property and in the result record, so no one parses
it back out of the message text.

The module under test is loaded from the folder named by ``--target`` (``exercises/`` by default)
by file path, under a module name unique to that folder, and never through ``sys.path``: grading
``solutions/`` can never pick up ``exercises/`` by accident, and two targets never share a module.
"""

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

from workshop.grading import exercises

_loaded: dict[tuple[Path, str], ModuleType | tuple[str, str]] = {}


class CheckFailed(pytest.fail.Exception):  # type: ignore[name-defined]  # pytest's Failed, typed as an attribute of fail
    """A check that failed for a known reason: ``reason`` is the short tag the table shows."""

    def __init__(self, exercise: str, reason: str, message: str) -> None:
        super().__init__(message, pytrace=False)
        self.exercise = exercise
        self.reason = reason


def fail(exercise: str, tag: str, message: str, look_at: str | None = None) -> NoReturn:
    """Fail the current check with ``message`` and where to look; ``tag`` is the reason."""
    where = look_at or exercises.look_at(exercise)
    text = f"{exercise}: {message}\n  -> look at {where}"
    # `from None`: the learner's error is summarised in the message; its chain is noise.
    raise CheckFailed(exercise, tag, text) from None


def module_path(target: Path, exercise: str) -> Path:
    return target / f"{exercise}.py"


def load_exercise(target: Path, exercise: str) -> ModuleType:
    """Import ``<target>/<exercise>.py`` once per target; fail with a friendly message if it is
    missing, does not import, or stops the interpreter while importing."""
    key = (target, exercise)
    if key not in _loaded:
        _loaded[key] = _import(target, exercise)
    loaded = _loaded[key]
    if isinstance(loaded, tuple):
        tag, message = loaded
        fail(exercise, tag, message, look_at=f"{exercise}.py")
    return loaded


def _import(target: Path, exercise: str) -> ModuleType | tuple[str, str]:
    path = module_path(target, exercise)
    if not path.is_file():
        return "missing file", f"{path.name} does not exist (restore it with `git checkout`)"
    digest = hashlib.sha1(str(target).encode()).hexdigest()[:10]
    name = f"_graded_{digest}_{exercise}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic and dataclasses look the module up by name
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        del sys.modules[name]
        return "syntax error", f"line {error.lineno} of {path.name}: {error.msg}"
    except SystemExit as error:
        del sys.modules[name]
        return "exits", f"importing {path.name} called exit({error.code!r}); remove that call"
    except ImportError as error:
        del sys.modules[name]
        return "import error", f"{path.name} cannot import: {error}; check the imports at its top"
    except BaseException as error:  # a learner's module may raise anything
        del sys.modules[name]
        where = traceback.extract_tb(error.__traceback__)[-1]
        return (
            "import error",
            f"importing {path.name} raised {type(error).__name__}: {error} (line {where.lineno})",
        )
    return module


@contextmanager
def calling(exercise: str, what: str) -> Iterator[None]:
    """Turn the failures every learner meets first into advice instead of a traceback."""
    from django.core.exceptions import SynchronousOnlyOperation
    from fastapi.exceptions import ResponseValidationError

    problem: tuple[str, str] | None = None
    try:
        yield
    except NotImplementedError:
        problem = ("todo", f"{what} is still a TODO (it raises NotImplementedError)")
    except SynchronousOnlyOperation as error:
        problem = (
            "sync-only",
            f"{what} ran a synchronous ORM query in async code ({error}); use the async ORM "
            "(aget, async for, ...) or sync_to_async",
        )
    except ResponseValidationError as error:
        lazy = "SynchronousOnlyOperation" in str(error) or "get_attribute_error" in str(error)
        problem = (
            "lazy" if lazy else "wrong",
            f"{what} returned something its response model cannot read: {str(error)[:400]}"
            + ("; a relation was read lazily in async code (select_related)" if lazy else ""),
        )
    except SystemExit as error:
        problem = ("exits", f"{what} called exit({error.code!r}); a function must return")
    if problem is not None:  # outside the except block: no "during handling" noise in the report
        fail(exercise, *problem)
