"""The grader's pytest wiring: ``--target`` and the class mode.

- ``pytest tests/grading``: grade ``exercises/`` (the learner's "check my work").
- ``--target solutions`` or ``--target PATH``: grade that folder (laid out like ``exercises/``).
- ``--target CLASS``: a folder of per-learner folders. Nothing runs in this process: each learner's
  each exercise is graded in a subprocess of its own (``classroom.py``), and the table is printed
  and written to ``--grades-dir``.

The grading tests run only when ``tests/grading`` is named on the command line, so ``pytest tests``
(which must pass) does not grade the untouched stubs; ``tests/grader`` checks the grader instead.
"""

import faulthandler
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.grading import classroom
from tests.grading.support import EXERCISES, REPO_ROOT

GRADING_DIR = Path(__file__).resolve().parent


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grading", "workshop grader")
    group.addoption(
        "--target",
        default=None,
        help="folder to grade: exercises (default), solutions, a learner's copy, or a class folder",
    )
    group.addoption(
        "--grades-dir",
        default=str(REPO_ROOT / "build" / "grades"),
        help="class mode: where the table (CSV, JSON) and feedback files go",
    )
    group.addoption(
        "--time-limit",
        type=float,
        default=classroom.DEFAULT_TIME_LIMIT,
        help="class mode: seconds one learner's one exercise may take",
    )
    group.addoption("--jobs", type=int, default=0, help="class mode: parallel graders (0 = cores)")


def _grading_requested(config: pytest.Config) -> bool:
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == GRADING_DIR or GRADING_DIR in path.parents:
            return True
    return False


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if GRADING_DIR in collection_path.parents and not _grading_requested(config):
        return True
    return None


def resolve_target(config: pytest.Config) -> Path:
    value = config.getoption("target", default=None) or "exercises"
    if value in ("exercises", "solutions"):
        return REPO_ROOT / value
    path = (config.invocation_params.dir / value).resolve()
    if not path.is_dir():
        raise pytest.UsageError(f"--target {value}: no such folder ({path})")
    return path


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Path:
    """The folder whose exercises are graded."""
    return resolve_target(request.config)


@pytest.fixture(autouse=True)
def _test_database_only(db: None) -> None:
    """Every grading test runs on the test database (pytest-django creates it only for tests
    that ask for ``db``), with empty tables: learner code never meets the workshop database."""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A learner's endless loop must not hang `make grade` forever: past the time limit the run
    stops, saying so and printing every thread's stack (the loop's line among them)."""
    limit = item.config.getoption("time_limit", default=None)
    if not limit or GRADING_DIR not in Path(item.fspath).parents:
        yield
        return
    timer = threading.Timer(limit, _stop_the_run, args=(item, limit))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _stop_the_run(item: pytest.Item, limit: float) -> None:
    capture = item.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        capture.suspend_global_capture(in_=True)
    sys.stderr.write(
        f"\n[time limit] {item.nodeid} was still running after {limit:.0f} s: an endless loop "
        "or something waiting forever? Where each thread was:\n"
    )
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    sys.stderr.flush()
    os._exit(3)


# --- class mode ------------------------------------------------------------------------------


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not _grading_requested(config):
        return
    path = resolve_target(config)
    if not classroom.is_class_folder(path):
        return
    grading = [item for item in items if GRADING_DIR in Path(item.fspath).parents]
    if grading:
        config.hook.pytest_deselected(items=grading)
        items[:] = [item for item in items if item not in grading]
    reporter = config.pluginmanager.get_plugin("terminalreporter")

    def echo(line: str) -> None:
        if reporter is not None:
            reporter.write_line(line)

    result = classroom.grade_class(
        path,
        Path(config.getoption("grades_dir")),
        time_limit=config.getoption("time_limit"),
        jobs=config.getoption("jobs") or None,
        echo=echo,
    )
    config.stash[_CLASS_RESULT] = result


_CLASS_RESULT = pytest.StashKey[classroom.ClassResult]()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    result = config.stash.get(_CLASS_RESULT, None)
    if result is not None:
        terminalreporter.section("class grades")
        terminalreporter.write_line(classroom.format_table(result))
        for written in result.files:
            terminalreporter.write_line(f"written: {written}")
        return


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # Class mode deselects every test: grading the class is the run, and it succeeded.
    if session.config.stash.get(_CLASS_RESULT, None) is not None and exitstatus == 5:
        session.exitstatus = 0


# --- single-target score summary ---------------------------------------------------------------


class ScoreBoard:
    """Counts passed tests per exercise and prints "your score" at the end of a learner's run."""

    def __init__(self) -> None:
        self.scores: dict[str, list[int]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        exercise = Path(report.fspath).stem.removeprefix("test_")
        if exercise not in EXERCISES:
            return
        counts = self.scores.setdefault(exercise, [0, 0])
        if report.when == "setup":
            counts[1] += 1
        elif report.when == "call" and report.passed:
            counts[0] += 1

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.scores:
            return
        terminalreporter.section("your score")
        passed_total = count_total = 0
        for exercise in EXERCISES:
            if exercise in self.scores:
                passed, count = self.scores[exercise]
                passed_total, count_total = passed_total + passed, count_total + count
                mark = "done" if passed == count else "to do"
                terminalreporter.write_line(f"  {exercise:<34} {passed:>2}/{count:<2} {mark}")
        terminalreporter.write_line(f"  {'total':<34} {passed_total:>2}/{count_total}")


def pytest_configure(config: pytest.Config) -> None:
    if _grading_requested(config):
        config.pluginmanager.register(ScoreBoard(), "grading-scoreboard")
