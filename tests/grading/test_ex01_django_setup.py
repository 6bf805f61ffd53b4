"""Exercise 01: the Django bootstrap, observed in fresh interpreters that did nothing before the
learner's code ran (see ex01_probe.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.grading.checks import fail, module_path

EXERCISE = "ex01_django_setup"
PROBE = Path(__file__).with_name("ex01_probe.py")
PROBE_TIME_LIMIT = 60


def probe(target: Path, tmp_path: Path, settings_module: str | None = None, *extra: str) -> dict:
    path = module_path(target, EXERCISE)
    if not path.is_file():
        fail(EXERCISE, "missing file", f"{path} does not exist", look_at=str(path))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(tmp_path)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/probe.sqlite3"
    if settings_module:
        env["DJANGO_SETTINGS_MODULE"] = settings_module
    try:
        completed = subprocess.run(
            [sys.executable, str(PROBE), str(path), *extra],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=PROBE_TIME_LIMIT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        fail(EXERCISE, "time limit", f"setup_django() did not finish in {PROBE_TIME_LIMIT} s")
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        fail(EXERCISE, "crashed", f"the probe process ended early:\n{completed.stderr[-2000:]}")
    observed = json.loads(lines[-1])
    if "import_error" in observed:
        error = observed["import_error"]
        tag = "syntax error" if error.startswith("SyntaxError") else "import error"
        fail(EXERCISE, tag, f"importing {path.name} failed: {error}", look_at=str(path))
    for attempt in ("first_call", "second_call"):
        outcome = observed.get(attempt, "ok")
        if outcome.startswith("NotImplementedError"):
            fail(EXERCISE, "todo", "setup_django() is still a TODO (it raises NotImplementedError)")
        if outcome != "ok":
            fail(
                EXERCISE,
                "error",
                f"the {attempt.replace('_', ' ')} of setup_django() raised {outcome}",
            )
    return observed


@pytest.fixture(scope="module")
def default_run(target: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return probe(target, tmp_path_factory.mktemp("ex01"))


def test_importing_the_module_does_not_set_django_up(default_run: dict) -> None:
    if default_run["ready_after_import"]:
        fail(
            EXERCISE, "wrong",
            "Django was already set up right after `import ex01_django_setup`, before anyone called "
            "setup_django(); only the call may do it (no django.setup() at module level)",
        )  # fmt: skip


def test_models_import_after_setup(default_run: dict) -> None:
    if not default_run.get("ready_after_setup") or default_run["book_app_label"] != "books":
        fail(
            EXERCISE, "wrong",
            "after setup_django(), `from app.books.models import Book` should work, but got "
            f"{default_run['book_app_label']!r}; did it call django.setup()?",
        )  # fmt: skip


def test_uses_app_settings_by_default(default_run: dict) -> None:
    if (
        default_run["settings_module_after"] != "app.settings"
        or default_run["root_urlconf"] != "app.urls"
    ):
        fail(
            EXERCISE, "wrong",
            "with DJANGO_SETTINGS_MODULE unset, setup_django() should use 'app.settings' "
            f"(found DJANGO_SETTINGS_MODULE={default_run['settings_module_after']!r})",
        )  # fmt: skip


def test_second_call_does_nothing(default_run: dict) -> None:
    calls = default_run["populate_calls_after_second_call"]
    if default_run["populate_calls_after_first_call"] != 1 or calls != 1:
        fail(
            EXERCISE, "wrong",
            f"two calls of setup_django() loaded the app registry {calls} times; the second call "
            "must return at once (check django.apps.apps.ready first)",
        )  # fmt: skip


def test_keeps_a_settings_module_chosen_by_the_caller(tmp_path: Path, target: Path) -> None:
    (tmp_path / "grading_probe_settings.py").write_text(
        "from app.settings import *  # noqa: F403\nGRADING_PROBE_MARKER = 'kept'\n"
    )
    observed = probe(target, tmp_path, "grading_probe_settings")
    if not observed.get("ready_after_setup") or observed["book_app_label"] != "books":
        fail(
            EXERCISE, "wrong",
            "with DJANGO_SETTINGS_MODULE already set by the caller, setup_django() left Django "
            "unconfigured (models cannot be imported afterwards): it must still call "
            "django.setup(), only without changing the settings module",
        )  # fmt: skip
    if observed["grading_marker"] != "kept" or observed["settings_module_after"] != (
        "grading_probe_settings"
    ):
        fail(
            EXERCISE, "wrong",
            "DJANGO_SETTINGS_MODULE was set to another settings module before the call, and "
            "setup_django() replaced it; only set it when it is missing (os.environ.setdefault)",
        )  # fmt: skip


def test_does_nothing_when_django_was_set_up_by_someone_else(tmp_path: Path, target: Path) -> None:
    observed = probe(target, tmp_path, None, "--already-set-up")
    if observed["populate_calls_after_first_call"] != 0:
        fail(
            EXERCISE, "wrong",
            "Django was already set up (by manage.py or pytest-django) and setup_django() ran "
            "django.setup() again; ask Django whether it is ready, not a flag of your own",
        )  # fmt: skip
