"""A pytest plugin for the child process that runs a learner's exercise-04 tests (see chaffs.py).

Loaded with ``-p tests.grading.ex04_examplar`` by test_ex04_dependency_override_test.py. Every
learner test runs once per variant (the wheat, then each chaff), whatever its shape: its own
``TestClient(app)`` or the ``client`` fixture, overrides installed in the test or in a fixture of
its own, helpers. Before each run the tables are emptied, ``app.dependency_overrides`` cleared and
the real Open Library client replaced by a guard, so a test that relies on another test's
leftovers (rows, an override) fails on the wheat. The outcomes go to ``$GRADING_EXAMPLAR_OUT``
as JSON, which the check reads.
"""

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.grading.chaffs import CHAFFS, variant

VARIANTS = ["wheat", *CHAFFS]
_state: dict[str, Any] = {"results": {}, "imports": {}, "network": {}, "tests": []}


class NotOverridden(Exception):
    """Raised by the stand-in for Open Library that the learner's test should have replaced."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "_grading_variant" in metafunc.fixturenames:
        metafunc.parametrize("_grading_variant", VARIANTS, indirect=True, ids=VARIANTS)


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment: None, django_db_blocker: Any) -> Iterator[None]:
    """The test database, whatever the tests ask for (pytest-django creates it only for tests
    that name ``db`` or carry its mark; the learner's tests need not)."""
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(created, verbosity=0)


@pytest.fixture
def client() -> Iterator[Any]:
    """A ``TestClient`` of ``app.main.app`` (the exercise's promise)."""
    from starlette.testclient import TestClient

    from app.main import app

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(autouse=True)
def _grading_variant(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    from app.books.openlibrary import OpenLibraryClient
    from app.main import app
    from app.testing import truncate_all_tables

    bug = getattr(request, "param", "wheat")
    name = request.node.originalname
    key = f"{bug}::{name}"

    def counted() -> None:
        _state["imports"][key] = _state["imports"].get(key, 0) + 1

    async def network_guard(self: Any, isbn: str) -> None:
        _state["network"][key] = True
        raise NotOverridden("the test did not replace get_open_library_client")

    with django_db_blocker.unblock():
        truncate_all_tables()
        app.dependency_overrides.clear()
        app.middleware_stack = None  # rebuilt under the variant
        original = OpenLibraryClient.find_by_isbn
        OpenLibraryClient.find_by_isbn = network_guard
        try:
            with variant(None if bug == "wheat" else bug, counted):
                yield
        finally:
            OpenLibraryClient.find_by_isbn = original
            app.dependency_overrides.clear()
            app.middleware_stack = None
            truncate_all_tables()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "[" not in report.nodeid:
        return
    name, _, bug = report.nodeid.split("::")[-1].partition("[")
    bug = bug.rstrip("]")
    results = _state["results"].setdefault(bug, {})
    if report.failed and name not in results:
        crash = getattr(report.longrepr, "reprcrash", None)
        results[name] = f"{report.when}: {crash.message if crash else 'failed'}"[:400]
    elif report.when == "call" and report.passed:
        results.setdefault(name, "")
    if name not in _state["tests"]:
        _state["tests"].append(name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    out = os.environ.get("GRADING_EXAMPLAR_OUT")
    if out:
        with open(out, "w") as handle:
            json.dump(_state, handle)
