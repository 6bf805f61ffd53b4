"""The pytest plugin every grading run loads (through ``tests/grading/conftest.py``).

It turns each check's outcome into a record ``{"check", "exercise", "passed", "reason",
"message"}``: the reason comes from :class:`~workshop.grading.checks.CheckFailed` as data, goes to
the JUnit report as a property (``--junitxml``) and, in a sandboxed run, to the supervisor through
an inherited pipe (``GRADING_RECORDS_FD``). The pipe's number is removed from the environment and
the writer is a hook pluggy already holds, so learner code that patches modules through
``sys.modules`` changes neither; the guard (:mod:`workshop.grading.guard`) notices the patch and
fails every check from then on.
"""

import faulthandler
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from workshop.grading.checks import CheckFailed
from workshop.grading.exercises import CHECKS_DIR, exercise_names
from workshop.grading.guard import GUARD
from workshop.paths import REPOSITORY_ROOT

RECORDS_FD = "GRADING_RECORDS_FD"
DEFAULT_TIME_LIMIT = 60.0
_MESSAGES = {
    "forbidden": "this check does not count: your code {detail}. DJANGO_ALLOW_ASYNC_UNSAFE (or any "
    "other way of turning Django's async-safety check off) hides SynchronousOnlyOperation "
    "instead of fixing it, so it is forbidden in every exercise",
    "tampering": "this check does not count: your code {detail} while it was graded",
    "outside": "this check does not count: your code {detail}",
}


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("grading", "workshop grader")
    group.addoption(
        "--target",
        default=None,
        help="folder to grade: exercises (default), solutions or one learner's copy "
        "(a class: python -m workshop.grading CLASS)",
    )
    group.addoption(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help="seconds one check may take before the run stops",
    )


def resolve_target(config: pytest.Config) -> Path:
    value = config.getoption("target", default=None) or "exercises"
    if value in ("exercises", "solutions"):
        return REPOSITORY_ROOT / value
    path = (config.invocation_params.dir / value).resolve()
    if not path.is_dir():
        raise pytest.UsageError(f"--target {value}: no such folder")
    return path


def scrub(text: str, *roots: Path | str) -> str:
    """Messages name files relative to the folder graded or the checkout, never a machine path."""
    for root in (*roots, REPOSITORY_ROOT):
        text = text.replace(f"{root}/", "").replace(str(root), ".")
    return text


class GradingPlugin:
    """Records every check, applies the guard's verdict, prints the learner's score."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.target = resolve_target(config)
        self.records: list[dict] = []
        self.index: dict[str, int] = {}
        self._failures: dict[str, tuple[str, str]] = {}
        fd = os.environ.pop(RECORDS_FD, None)
        self._channel = int(fd) if fd else None
        GUARD.install(writable=_writable(self.target), readable=_readable(self.target))

    # --- the channel -----------------------------------------------------------------------

    def _send(self, record: dict) -> None:
        if self._channel is not None:
            os.write(self._channel, (json.dumps(record) + "\n").encode())

    # --- hooks -----------------------------------------------------------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.index = {item.nodeid: number for number, item in enumerate(session.items)}
        GUARD.take_snapshot()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        GUARD.current_check = self.index.get(item.nodeid, GUARD.current_check + 1)
        GUARD.current_exercise = _exercise(item)
        self._send({"start": item.name, "exercise": _exercise(item)})
        limit = self.config.getoption("time_limit", default=None)
        timer = threading.Timer(limit, _stop_the_run, args=(item, limit)) if limit else None
        if timer is not None:
            timer.daemon = True
            timer.start()
        try:
            yield
        finally:
            if timer is not None:
                timer.cancel()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Iterator[None]:
        outcome: Any = yield  # pluggy's Result, sent into an old-style hook wrapper
        report: pytest.TestReport = outcome.get_result()
        if call.when == "call" or (call.when == "setup" and report.failed):
            GUARD.end_of_check()
            acts = GUARD.acts_against(GUARD.current_check)
            if acts:
                act = acts[0]  # the reason; every act of that kind is named
                details = "; ".join(dict.fromkeys(a.detail for a in acts if a.kind == act.kind))
                message = _MESSAGES[act.kind].format(detail=details)
                report.outcome = "failed"
                report.longrepr = f"{_exercise(item)}: {message}"
                self._failures[item.nodeid] = (act.kind, message)
            elif report.failed:
                self._failures[item.nodeid] = _reason_of(call, report, self.target)
        elif report.failed and item.nodeid not in self._failures:
            self._failures[item.nodeid] = _reason_of(call, report, self.target)
        if item.nodeid in self._failures and not any(
            name == "reason" for name, _ in item.user_properties
        ):  # on the item: pytest's JUnit writer reads the teardown report, which copies them
            item.user_properties.append(("reason", self._failures[item.nodeid][0]))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "teardown":
            return
        failure = self._failures.get(report.nodeid)
        record = {
            "check": report.nodeid.split("::", 1)[-1],
            "exercise": Path(report.fspath).stem.removeprefix("test_"),
            "passed": failure is None,
            "reason": failure[0] if failure else "",
            "message": failure[1] if failure else "",
        }
        self.records.append(record)
        self._send(record)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.records:
            return
        scores: dict[str, list[int]] = {}
        for record in self.records:
            counts = scores.setdefault(record["exercise"], [0, 0])
            counts[0] += record["passed"]
            counts[1] += 1
        terminalreporter.section("your score")
        passed_total = count_total = 0
        for exercise in exercise_names():
            if exercise in scores:
                passed, count = scores[exercise]
                passed_total, count_total = passed_total + passed, count_total + count
                mark = "done" if passed == count else "to do"
                terminalreporter.write_line(f"  {exercise:<34} {passed:>2}/{count:<2} {mark}")
        terminalreporter.write_line(f"  {'total':<34} {passed_total:>2}/{count_total}")

    def pytest_sessionfinish(self) -> None:
        _remove_test_database_leftovers()


def _writable(target: Path) -> list[str]:
    import tempfile

    home = os.environ.get("HOME", str(target))
    return [str(target), tempfile.gettempdir(), "/dev", home, str(REPOSITORY_ROOT / "var")]


def _readable(target: Path) -> list[str]:
    roots = [sys.prefix, sys.base_prefix, "/usr", "/proc", "/sys", "/etc", "/lib", "/lib64"]
    roots += [str(REPOSITORY_ROOT / name) for name in ("app", "workshop", "tests", "exercises")]
    roots += [str(REPOSITORY_ROOT / "pyproject.toml"), str(target.parent)]
    return roots


def _exercise(item: pytest.Item) -> str:
    return Path(str(item.fspath)).stem.removeprefix("test_")


def _reason_of(call: pytest.CallInfo, report: pytest.TestReport, target: Path) -> tuple[str, str]:
    """The reason and message of a failed check: its own if it gave one, else the error itself
    (never a bare "AssertionError": the assertion's text comes with it)."""
    excinfo = call.excinfo
    if excinfo is not None and isinstance(excinfo.value, CheckFailed):
        return excinfo.value.reason, scrub(str(excinfo.value.msg), target)
    if excinfo is not None and isinstance(excinfo.value, SystemExit):
        return "exits", f"the code called exit({excinfo.value.code!r}) while it was checked"
    text = excinfo.exconly() if excinfo is not None else report.longreprtext
    if excinfo is not None and type(excinfo.value) is AssertionError and not str(excinfo.value):
        text = report.longreprtext.strip().splitlines()[-1] if report.longreprtext else text
    return "error", scrub(text.strip()[:1500], target)


def _remove_test_database_leftovers() -> None:
    """Django deletes the SQLite test database file but not its -wal/-shm companions while a
    pooled connection still holds them: close the connections, then remove what is left."""
    if "django.db" not in sys.modules:
        return
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        name = str(connection.settings_dict.get("TEST", {}).get("NAME") or "")
        connection.close()
        if connection.vendor == "sqlite" and name and not Path(name).exists():
            for suffix in ("-wal", "-shm", "-journal"):
                Path(name + suffix).unlink(missing_ok=True)


def _stop_the_run(item: pytest.Item, limit: float) -> None:
    """A learner's endless loop must not hang the run forever: past the time limit it stops,
    saying so and printing every thread's stack (the loop's line among them)."""
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


def grading_requested(config: pytest.Config) -> bool:
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::")[0]).resolve()
        if path == CHECKS_DIR or CHECKS_DIR in path.parents:
            return True
    return False


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Path:
    """The folder whose exercises are graded."""
    return resolve_target(request.config)
