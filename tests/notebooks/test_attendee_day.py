"""An attendee's day, simulated in a temporary clone: the exercises solved (one with its imports
out of order) and lessons saved from JupyterLab (a traceback with a machine path, other outputs).
What `make test` runs for them must then pass, and what it runs for contributors (`STRICT=1`,
CI) must still catch both.

The clone is made from this checkout's last commit and uses this environment (`VENV=`), whose
package sets are installed already (`make -o` keeps make from reinstalling them).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv"))
SECONDS = 300


def attendee_env(**extra: str) -> dict[str, str]:
    """The environment of an attendee's shell: no CI, no STRICT, no lessons folder chosen yet."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CI", "STRICT", "WORKSHOP_LESSONS", "DJANGO_SETTINGS_MODULE")
    }
    return env | extra


def run(clone: Path, *command: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=clone,
        env=attendee_env(**extra),
        capture_output=True,
        text=True,
        timeout=SECONDS,
    )


def make(clone: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    stamps = [f"-o{VENV}/.installed-{name}" for name in ("lab", "dev", "docs", "bench")]
    return run(clone, "make", "--no-print-directory", f"VENV={VENV}", *stamps, *arguments)


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("git") is None or shutil.which("make") is None:
        pytest.skip("git and make are needed to simulate the day in a clone")
    folder = tmp_path_factory.mktemp("day") / "workshop"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(folder)], check=True, timeout=SECONDS)
    # The exercises, solved; exercise 03 with an import added below the others (ruff's I001).
    for solution in sorted((folder / "solutions").glob("ex*.py")):
        shutil.copy(solution, folder / "exercises" / solution.name)
    ex03 = folder / "exercises" / "ex03_async_orm.py"
    lines = ex03.read_text().splitlines(keepends=True)
    last_import = max(i for i, line in enumerate(lines) if line.startswith(("import ", "from ")))
    lines.insert(last_import + 1, "import os  # used below\n")
    lines.append("\nassert os.sep\n")
    ex03.write_text("".join(lines))
    # Lesson 02, saved by JupyterLab after the attendee ran it: counts, outputs and a
    # traceback holding their machine's paths.
    lesson = folder / "notebooks" / "02_synchronous_only_operation.ipynb"
    notebook = json.loads(lesson.read_text())
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for count, cell in enumerate(code, start=1):
        cell["execution_count"] = count + 40
    code[0]["outputs"] = [
        {
            "output_type": "error",
            "ename": "NameError",
            "evalue": "name 'x' is not defined",
            "traceback": ['File "/home/attendee/workshop/notebooks/02.ipynb", line 1'],
        }
    ]
    lesson.write_text(json.dumps(notebook, indent=1))
    return folder


def test_lint_leaves_the_attendees_exercises_out_but_contributors_get_it(clone: Path) -> None:
    attendee = make(clone, "lint")
    assert attendee.returncode == 0, attendee.stdout + attendee.stderr
    contributor = make(clone, "lint", "STRICT=1")
    assert contributor.returncode != 0
    assert "exercises/ex03_async_orm.py" in contributor.stdout
    assert "I001" in contributor.stdout
    under_ci = run(clone, "make", f"VENV={VENV}", f"-o{VENV}/.installed-dev", "lint", CI="true")
    assert under_ci.returncode != 0, "CI must lint exercises/ too"


def test_the_saved_lesson_is_checked_as_committed(clone: Path) -> None:
    chosen = run(clone, str(VENV / "bin" / "python"), "-m", "workshop.committed_lessons")
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "build/committed-lessons/notebooks"
    assert "02_synchronous_only_operation.ipynb" in chosen.stderr
    exported = clone / "build" / "committed-lessons" / "notebooks"
    committed = subprocess.run(
        ["git", "show", "HEAD:notebooks/02_synchronous_only_operation.ipynb"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (exported / "02_synchronous_only_operation.ipynb").read_text() == committed
    # The attendee's own copy is left as they saved it.
    assert (
        "/home/attendee/" in (clone / "notebooks/02_synchronous_only_operation.ipynb").read_text()
    )

    strict = run(
        clone, str(VENV / "bin" / "python"), "-m", "workshop.committed_lessons", "--strict"
    )
    assert strict.stdout.strip() == "notebooks"


def structure_tests(clone: Path, lessons: str | None) -> subprocess.CompletedProcess[str]:
    extra = {"WORKSHOP_LESSONS": lessons} if lessons else {}
    return run(
        clone,
        str(VENV / "bin" / "pytest"),
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/notebooks/test_structure.py",
        **extra,
    )


def test_structure_checks_pass_for_the_attendee_and_fail_for_a_contributor(clone: Path) -> None:
    run(clone, str(VENV / "bin" / "python"), "-m", "workshop.committed_lessons")
    attendee = structure_tests(clone, "build/committed-lessons/notebooks")
    assert attendee.returncode == 0, attendee.stdout[-3000:]
    contributor = structure_tests(clone, None)
    assert contributor.returncode != 0
    assert "test_outputs_hold_no_absolute_machine_path[02_synchronous_only_operation]" in (
        contributor.stdout
    )


def test_make_test_runs_the_doctor_without_its_port_check() -> None:
    # JupyterLab runs all day on 8888 while the attendee runs `make test`.
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\ntest:") + 1 :].split("\n\n")[0]
    doctor = [line for line in recipe.splitlines() if "workshop.doctor" in line]
    assert doctor and all("--skip ports" in line for line in doctor), recipe
