"""What every grading test module shares: where the code under test lives, how it is loaded, and
how a failure is turned into a message a learner can act on.

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

REPO_ROOT = Path(__file__).resolve().parents[2]

NOTEBOOKS = {
    "ex01_django_setup": "notebooks/01_django_setup.ipynb",
    "ex02_synchronous_only_operation": "notebooks/02_synchronous_only_operation.ipynb",
    "ex03_async_orm": "notebooks/03_sync_to_async_vs_aget.ipynb",
    "ex04_dependency_override_test": "notebooks/04_dependency_injection.ipynb",
    "ex05_truncating_fixture": "notebooks/05_testing_with_a_database.ipynb",
    "ex06_mount_admin": "notebooks/06_admin_in_the_same_process.ipynb",
    "ex07_atomic_transfer": "notebooks/07_connections_and_transactions.ipynb",
    "ex08_protect_a_route": "notebooks/10_users_across_the_boundary.ipynb",
}
EXERCISES = list(NOTEBOOKS)

_loaded: dict[tuple[Path, str], ModuleType | str] = {}


def fail(exercise: str, tag: str, message: str, look_at: str | None = None) -> NoReturn:
    """Fail the current test with ``[tag] message`` and where to look. The tag ("todo", "syntax
    error", ...) is what the class table shows as the reason."""
    where = look_at or NOTEBOOKS[exercise]
    message = f"[{tag}] {exercise}: {message}\n  -> look at {where}"
    # `from None`: the learner's error is summarised in the message; its chain is noise.
    raise pytest.fail.Exception(message, pytrace=False) from None


def module_path(target: Path, exercise: str) -> Path:
    return target / f"{exercise}.py"


def load_exercise(target: Path, exercise: str) -> ModuleType:
    """Import ``<target>/<exercise>.py`` once per target; fail with a friendly message if it is
    missing or does not import."""
    key = (target, exercise)
    if key not in _loaded:
        _loaded[key] = _import(target, exercise)
    loaded = _loaded[key]
    if isinstance(loaded, str):
        tag, _, message = loaded.partition("|")
        fail(exercise, tag, message, look_at=str(module_path(target, exercise)))
    assert isinstance(loaded, ModuleType)
    return loaded


def _import(target: Path, exercise: str) -> ModuleType | str:
    path = module_path(target, exercise)
    if not path.is_file():
        return f"missing file|{path} does not exist (restore it with `git checkout {path.name}`)"
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
        return f"syntax error|line {error.lineno} of {path.name}: {error.msg}"
    except ImportError as error:
        del sys.modules[name]
        return f"import error|{path.name} cannot import: {error}; check the imports at its top"
    except BaseException as error:  # a learner's module may raise anything, even SystemExit
        del sys.modules[name]
        where = traceback.extract_tb(error.__traceback__)[-1]
        return (
            f"import error|importing {path.name} raised {type(error).__name__}: {error} "
            f"(line {where.lineno})"
        )
    return module


@contextmanager
def calling(exercise: str, what: str) -> Iterator[None]:
    """Turn the two failures every learner meets first into advice instead of a traceback."""
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
    if problem is not None:  # outside the except block: no "during handling" noise in the report
        fail(exercise, *problem)
