"""Exercise 04: the learner's tests, graded Examplar-style (see chaffs.py).

One point per buggy variant of the app that the learner's tests catch, and only while they pass
on the correct app. The run happens once per module; each test below reads its verdict.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.grading.chaffs import CHAFFS, KINDS, variant
from tests.grading.support import fail, load_exercise

EXERCISE = "ex04_dependency_override_test"
IMPORT_PATH = "/v0/books/import"


class NotOverridden(Exception):
    """Raised by the stand-in for Open Library that the learner's test should have replaced."""


@dataclass
class SuiteRun:
    failures: dict[str, str] = field(default_factory=dict)  # test name -> what went wrong
    imports_sent: int = 0
    network_guard_hit: bool = False


class _CountImports:
    def __init__(self, app: ASGIApp, run: SuiteRun) -> None:
        self.app, self.run = app, run

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == IMPORT_PATH:
            self.run.imports_sent += 1
        await self.app(scope, receive, send)


def learner_tests(module: ModuleType) -> list[tuple[str, Callable[..., Any]]]:
    tests = [
        (name, function)
        for name, function in vars(module).items()
        if name.startswith("test") and inspect.isfunction(function)
    ]
    if not tests:
        fail(EXERCISE, "todo", "the file has no test_... function")
    for name, function in tests:
        unknown = set(inspect.signature(function).parameters) - {"client"}
        if unknown:
            fail(
                EXERCISE,
                "wrong",
                f"{name}() asks for {sorted(unknown)}; it can only ask for `client`",
            )
    return tests


def run_suite(tests: list[tuple[str, Callable[..., Any]]], bug: str | None) -> SuiteRun:
    """Run every learner test once against the variant ``bug`` (None: the correct app)."""
    from app.books.dependencies import get_open_library_client
    from app.main import app
    from app.testing import truncate_all_tables

    run = SuiteRun()

    async def network_guard() -> None:
        run.network_guard_hit = True
        raise NotOverridden("the test did not replace get_open_library_client")

    for name, function in tests:
        truncate_all_tables()
        app.dependency_overrides.clear()
        app.dependency_overrides[get_open_library_client] = network_guard
        try:
            with variant(bug, app) as asgi:
                client = TestClient(_CountImports(asgi, run))
                arguments = (
                    {"client": client} if "client" in inspect.signature(function).parameters else {}
                )
                function(**arguments)
        except Exception as error:  # any error is a failing test, as in pytest
            run.failures[name] = f"{type(error).__name__}: {error}".strip()[:500]
        finally:
            app.dependency_overrides.clear()
            truncate_all_tables()
    return run


@dataclass
class Verdict:
    wheat: SuiteRun
    chaffs: dict[str, SuiteRun]

    def require_a_good_suite(self) -> None:
        if self.wheat.network_guard_hit:
            fail(
                EXERCISE, "no override",
                "your test reached the real Open Library client: replace it with "
                "app.dependency_overrides[get_open_library_client] = ...",
            )  # fmt: skip
        if self.wheat.failures:
            name, error = next(iter(self.wheat.failures.items()))
            fail(EXERCISE, "wheat", f"{name} fails on the correct app, so it cannot count: {error}")
        if not self.wheat.imports_sent:
            fail(EXERCISE, "todo", f"your tests never send a request to POST {IMPORT_PATH}")


@pytest.fixture(scope="module")
def verdict(target: Path, django_db_setup: None, django_db_blocker: Any) -> Verdict:
    module = load_exercise(target, EXERCISE)
    tests = learner_tests(module)
    with django_db_blocker.unblock():
        wheat = run_suite(tests, None)
        chaffs = {bug: run_suite(tests, bug) for bug in CHAFFS} if not wheat.failures else {}
    return Verdict(wheat, chaffs)


@pytest.mark.parametrize("bug", CHAFFS, ids=[f"bug{n}" for n in range(1, len(CHAFFS) + 1)])
def test_your_tests_catch_the_buggy_app(verdict: Verdict, bug: str) -> None:
    verdict.require_a_good_suite()
    if not verdict.chaffs[bug].failures:
        fail(
            EXERCISE, "missed",
            f"your tests pass on a version of the app with a bug in {KINDS[bug]}: "
            "add a check that would notice",
        )  # fmt: skip
