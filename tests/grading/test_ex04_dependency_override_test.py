"""Exercise 04: the learner's tests, graded Examplar-style (see chaffs.py).

One point per buggy variant of the app that the learner's tests catch, and only while they pass
on the correct app. The learner's tests run ONCE, in a child pytest process of their own
(``ex04_examplar.py``), each test once per variant, so they may be written any way pytest allows;
each check below reads that run's verdict.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.grading.chaffs import CHAFFS, IMPORT_PATH, KINDS
from workshop.grading.checks import fail, module_path
from workshop.paths import REPOSITORY_ROOT

EXERCISE = "ex04_dependency_override_test"
TIME_LIMIT = 120


@dataclass
class Verdict:
    tests: list[str]
    results: dict[str, dict[str, str]]  # variant -> test -> "" (passed) or what failed
    imports: int
    network: bool

    def require_a_good_suite(self) -> None:
        if not self.tests:
            fail(EXERCISE, "todo", "the file has no test_... function that pytest can run")
        wheat = self.results.get("wheat", {})
        failed = {name: error for name, error in wheat.items() if error}
        if self.network:
            fail(
                EXERCISE, "no override",
                "your test reached the real Open Library client: replace it with "
                "app.dependency_overrides[get_open_library_client] = ...",
            )  # fmt: skip
        if failed:
            name, error = next(iter(failed.items()))
            fail(
                EXERCISE, "wheat",
                f"{name} fails on the correct app, so your tests cannot count ({error}); each "
                "test must pass on its own: it gets empty tables and no override from another test",
            )  # fmt: skip
        if not self.imports:
            fail(EXERCISE, "todo", f"your tests never import a book through POST {IMPORT_PATH}")

    def caught(self, bug: str) -> bool:
        return any(self.results.get(bug, {}).get(name) for name in self.tests)


@pytest.fixture(scope="module")
def verdict(target: Path, tmp_path_factory: pytest.TempPathFactory) -> Verdict:
    path = module_path(target, EXERCISE)
    if not path.is_file():
        fail(EXERCISE, "missing file", f"{path.name} does not exist", look_at=path.name)
    work = tmp_path_factory.mktemp("ex04")
    shutil.copyfile(path, work / path.name)  # alone: no conftest of the learner's folder
    (work / "pytest.ini").write_text("[pytest]\n")
    out = work / "verdict.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_ADDOPTS"))}
    env.update(
        DATABASE_URL=f"sqlite:///{work}/ex04.sqlite3",
        GRADING_EXAMPLAR_OUT=str(out),
        PYTHONPATH=str(REPOSITORY_ROOT),
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    command = [
        sys.executable, "-m", "pytest", path.name, "-q", "-p", "no:cacheprovider",
        "-p", "pytest_django.plugin", "-p", "tests.grading.ex04_examplar",
        "--ds", "app.settings", "-c", "pytest.ini", "--rootdir", str(work),
    ]  # fmt: skip
    try:
        completed = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=TIME_LIMIT
        )
    except subprocess.TimeoutExpired:
        fail(EXERCISE, "time limit", f"your tests did not finish in {TIME_LIMIT} s")
    if not out.exists():
        tail = "\n".join(completed.stdout.strip().splitlines()[-10:])
        fail(EXERCISE, "error", f"pytest could not run your tests:\n{tail}")
    state = json.loads(out.read_text())
    return Verdict(
        tests=state["tests"],
        results=state["results"],
        imports=sum(n for key, n in state["imports"].items() if key.startswith("wheat::")),
        network=any(key.startswith("wheat::") for key in state["network"]),
    )


@pytest.mark.parametrize("bug", CHAFFS, ids=[f"bug{n}" for n in range(1, len(CHAFFS) + 1)])
def test_your_tests_catch_the_buggy_app(verdict: Verdict, bug: str) -> None:
    verdict.require_a_good_suite()
    if not verdict.caught(bug):
        fail(
            EXERCISE, "missed",
            f"your tests pass on a version of the app with a bug in {KINDS[bug]}: "
            "add a check that would notice",
        )  # fmt: skip
