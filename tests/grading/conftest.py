"""Wiring of the grading checks: the machinery is ``workshop.grading.plugin``.

- ``pytest tests/grading``: grade ``exercises/`` (the learner's "check my work");
- ``--target solutions`` or ``--target PATH``: grade that folder (laid out like ``exercises/``).

A class, or any copy you did not write yourself, is graded sandboxed by
``python -m workshop.grading PATH`` (``make grade-class``), never here. The checks run only when
``tests/grading`` is named on the command line, so ``pytest tests`` does not grade the untouched
stubs; ``tests/workshop/grading`` checks the grader instead.
"""

from pathlib import Path
from types import ModuleType

import pytest
from fastapi import FastAPI

from workshop.grading import plugin
from workshop.grading.apps import app_with_router
from workshop.grading.checks import load_exercise
from workshop.grading.exercises import CHECKS_DIR, is_class_folder
from workshop.grading.plugin import target  # noqa: F401  (the fixture every check asks for)


def pytest_addoption(parser: pytest.Parser) -> None:
    plugin.add_options(parser)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if CHECKS_DIR in collection_path.parents and not plugin.grading_requested(config):
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    if not plugin.grading_requested(config):
        return
    if is_class_folder(plugin.resolve_target(config)):
        raise pytest.UsageError(
            "that folder holds one folder per learner: grade it with "
            "`make grade-class CLASS=...` (python -m workshop.grading)"
        )
    config.pluginmanager.register(plugin.GradingPlugin(config), "workshop-grading")


@pytest.fixture(autouse=True)
def _test_database_only(db: None) -> None:
    """Every check runs on the test database with empty tables: learner code never meets the
    workshop database."""


@pytest.fixture(scope="module")
def module(request: pytest.FixtureRequest, target: Path) -> ModuleType:  # noqa: F811
    """The learner's module for the check file's ``EXERCISE``, loaded once per check file (in a
    fixture, never at import, so a module that fails to load fails its checks, not collection)."""
    return load_exercise(target, request.module.EXERCISE)


@pytest.fixture(scope="module")
def api(request: pytest.FixtureRequest, module: ModuleType) -> FastAPI:
    """A FastAPI app with the learner's ``router`` under the test database's boundary."""
    return app_with_router(request.module.EXERCISE, module)
