"""Grade one learner's one exercise: a sandboxed child runs the checks, the grader reads the verdict.

The child is ``pytest`` on one check file with the grading plugin, in a fresh scratch folder
holding a copy of the learner's folder and a throwaway SQLite database, inside the sandbox
(:mod:`workshop.grading.sandbox`). Each check's record comes back through a pipe the child
inherits; the grader accepts exactly one record per check it counted itself (a collection that
never runs learner code), and turns everything else into a reason: no record because the time
ran out, the output flooded, the process exited or crashed; a record it did not expect (a forged
one) costs the whole exercise.
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from functools import cache
from pathlib import Path

from workshop.grading import sandbox as sandboxes
from workshop.grading.exercises import CHECKS_DIR, check_file
from workshop.grading.plugin import RECORDS_FD, scrub
from workshop.grading.results import CheckOutcome, ExerciseResult
from workshop.paths import REPOSITORY_ROOT

DEFAULT_TIME_LIMIT = 60.0
OUTPUT_LIMIT = 512 * 1024  # bytes of output a learner's run may print
RECORDS_LIMIT = 4 * 1024 * 1024


def _pytest_command(*args: str) -> list[str]:
    return [
        sys.executable, "-m", "pytest", "-p", "pytest_django.plugin", "-p", "no:cacheprovider",
        "--rootdir", str(REPOSITORY_ROOT), "-c", str(REPOSITORY_ROOT / "pyproject.toml"), *args,
    ]  # fmt: skip


def _environment(scratch: Path, inherit: bool) -> dict[str, str]:
    base = dict(os.environ) if inherit else {"PATH": "/usr/local/bin:/usr/bin:/bin"}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        base.pop(name, None)
    base.update(
        HOME=str(scratch),
        TMPDIR=str(scratch / "tmp"),
        LANG="C.UTF-8",
        DATABASE_URL=f"sqlite:///{scratch}/db/grading.sqlite3",
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONPATH=str(REPOSITORY_ROOT),
        # Only the plugins grading needs: faster start, and no other plugin sees learner code.
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    return base


@cache
def expected_checks() -> dict[str, tuple[str, ...]]:
    """Every check of every exercise, by name, as the grader collects them (no learner code
    runs: collecting imports the check files only). Kept in ``build/grading/`` under a digest
    of the check files, so a one-exercise run does not pay for a second pytest start."""
    digest = hashlib.sha256()
    for path in sorted(CHECKS_DIR.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    cached = REPOSITORY_ROOT / "build" / "grading" / f"checks-{digest.hexdigest()[:16]}.json"
    if cached.is_file():
        return {e: tuple(names) for e, names in json.loads(cached.read_text()).items()}
    checks = _collect_checks()
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(checks))
    return checks


def _collect_checks() -> dict[str, tuple[str, ...]]:
    with tempfile.TemporaryDirectory(prefix="grading-count-") as temp:
        scratch = Path(temp)
        (scratch / "db").mkdir()
        command = _pytest_command(str(CHECKS_DIR), "--collect-only", "-q")
        completed = subprocess.run(
            command, cwd=scratch, env=_environment(scratch, inherit=True),
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    if completed.returncode != 0:
        raise RuntimeError(f"could not collect the grading checks:\n{completed.stdout[-3000:]}")
    checks: dict[str, list[str]] = {}
    for line in completed.stdout.splitlines():
        path, _, name = line.partition("::")
        if name and Path(path).name.startswith("test_ex"):
            checks.setdefault(Path(path).stem.removeprefix("test_"), []).append(name)
    return {exercise: tuple(names) for exercise, names in checks.items()}


def grade_exercise(
    learner_dir: Path,
    exercise: str,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    sandbox: sandboxes.Sandbox | None = None,
) -> ExerciseResult:
    """Grade ``learner_dir/<exercise>.py`` in a sandboxed child; never raises for learner code."""
    return grade_learner(learner_dir, [exercise], time_limit=time_limit, sandbox=sandbox)[exercise]


def grade_learner(
    learner_dir: Path,
    exercises: list[str],
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    sandbox: sandboxes.Sandbox | None = None,
) -> dict[str, ExerciseResult]:
    """Grade a learner's exercises in ONE sandboxed child (one interpreter start, one test
    database for all), each check under ``time_limit``. When the child ends early (an exit, a
    crash, a time limit, a flood), the exercise it was in gets that reason and the exercises it
    never reached are graded again, each in a child of its own."""
    sandbox = sandbox or sandboxes.probe()
    results: dict[str, ExerciseResult] = {}
    handed_in = []
    for exercise in exercises:
        if (learner_dir / f"{exercise}.py").is_file():
            handed_in.append(exercise)
        else:
            names = expected_checks().get(exercise, ())
            message = f"{exercise}.py was not handed in"
            results[exercise] = _all_failed(exercise, names, "missing file", message, 0)
    if not handed_in:
        return results
    found, ended_in, seconds = _run_checks(learner_dir, handed_in, time_limit, sandbox)
    not_reached = [e for e in handed_in if e not in found]
    if len(handed_in) > 1 and not_reached:
        for exercise in not_reached:
            results.update(
                grade_learner(learner_dir, [exercise], time_limit=time_limit, sandbox=sandbox)
            )
    for exercise in handed_in:
        if exercise in found:
            results[exercise] = ExerciseResult.from_checks(
                exercise, found[exercise], seconds / len(found)
            )
        elif exercise not in results:  # alone in its child, and it never reported a check
            names = expected_checks().get(exercise, ())
            results[exercise] = ExerciseResult.from_checks(
                exercise, [CheckOutcome(name, False, *ended_in) for name in names], seconds
            )
    return {exercise: results[exercise] for exercise in exercises}


def _run_checks(
    learner_dir: Path, exercises: list[str], time_limit: float, sandbox: sandboxes.Sandbox
) -> tuple[dict[str, list[CheckOutcome]], tuple[str, str], float]:
    """One sandboxed pytest over the exercises' check files. Returns the outcomes of every
    exercise that reported at least one check (its unreported checks carry why the run ended),
    why the run ended early if it did, and the seconds it took."""
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="grading-"))
    try:
        shutil.copytree(
            learner_dir, scratch / "learner", ignore=shutil.ignore_patterns("__pycache__", ".*")
        )
        for folder in ("db", "tmp"):
            (scratch / folder).mkdir()
        inside = sandbox.scratch_name(scratch)
        env = _environment(inside, inherit=not sandbox.isolated_filesystem)
        read_end, write_end = os.pipe()
        env[RECORDS_FD] = str(write_end)
        command = _pytest_command(
            *(str(check_file(exercise)) for exercise in exercises),
            "--target", str(inside / "learner"), "-q", "-s", "--time-limit", str(time_limit),
        )  # fmt: skip
        overall = time_limit * len(exercises)
        run = _Run(sandbox.command(command, scratch, env), scratch, env, write_end, overall)
        os.close(write_end)
        lines = run.collect(read_end)
        seconds = time.monotonic() - started
        found, running = _read_records(exercises, lines)
        ended_in = _why_missing(run, running[1], time_limit)
        for exercise, checks in found.items():
            names = expected_checks().get(exercise, ())
            reported = {check.name: check for check in checks}
            found[exercise] = [
                reported.get(name) or CheckOutcome(name, False, *ended_in) for name in names
            ]
            for check in found[exercise]:
                check.message = scrub(check.message, inside / "learner", inside, scratch)
        if running[0] and running[0] not in found:  # ended in its first check
            found[running[0]] = [
                CheckOutcome(name, False, *ended_in) for name in expected_checks()[running[0]]
            ]
        return found, ended_in, seconds
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


class _Run:
    """The child process, its output (capped) and its records (read until the pipe closes)."""

    def __init__(
        self, command: list[str], cwd: Path, env: dict[str, str], fd: int, time_limit: float
    ) -> None:
        self.time_limit = time_limit
        self.output = bytearray()
        self.flooded = False
        self.timed_out = False
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, pass_fds=(fd,), start_new_session=True,
            preexec_fn=sandboxes.limits(time_limit * 2),
        )  # fmt: skip

    def _kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        stdout = self.process.stdout
        assert isinstance(stdout, io.BufferedReader)  # Popen(bufsize=-1), binary: has read1
        while chunk := stdout.read1(65536):
            if len(self.output) + len(chunk) > OUTPUT_LIMIT:
                self.flooded = True
                self._kill()
                break
            self.output += chunk
        self.process.stdout.close()

    def collect(self, read_end: int) -> list[str]:
        reader = threading.Thread(target=self._read_output, daemon=True)
        reader.start()
        records = bytearray()
        timer = threading.Timer(self.time_limit, self._time_out)
        timer.start()
        try:
            with os.fdopen(read_end, "rb") as channel:
                while chunk := channel.read1(65536):
                    if len(records) + len(chunk) > RECORDS_LIMIT:
                        self.flooded = True
                        self._kill()
                        break
                    records += chunk
            self.process.wait()
        finally:
            timer.cancel()
        reader.join(timeout=10)
        return records.decode(errors="replace").splitlines()

    def _time_out(self) -> None:
        self.timed_out = True
        self._kill()

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")


def _all_failed(
    exercise: str, names: tuple[str, ...], reason: str, message: str, seconds: float
) -> ExerciseResult:
    checks = [CheckOutcome(name, False, reason, message) for name in names or ("all",)]
    return ExerciseResult.from_checks(exercise, checks, seconds)


def _read_records(
    exercises: list[str], lines: list[str]
) -> tuple[dict[str, list[CheckOutcome]], tuple[str, str]]:
    """The records per exercise, and the (exercise, check) running when the channel closed.
    A record the grader did not ask for, or a second one for a check, costs its exercise (all of
    them, when it names none): the channel was written by someone else."""
    expected = {exercise: expected_checks().get(exercise, ()) for exercise in exercises}
    found: dict[str, dict[str, CheckOutcome]] = {}
    forged: set[str] = set()
    running = ("", "")
    for line in lines:
        try:
            record = json.loads(line)
            exercise = record["exercise"]
            if "start" in record:
                running = (str(exercise), str(record["start"]))
                continue
            name = record["check"]
            if name not in expected.get(exercise, ()) or name in found.get(exercise, {}):
                raise ValueError(exercise)
            found.setdefault(exercise, {})[name] = CheckOutcome(
                name, bool(record["passed"]), str(record["reason"]), str(record["message"])
            )
        except ValueError as error:
            named = str(error.args[0]) if error.args else ""
            forged.update([named] if named in expected else exercises)
        except (KeyError, TypeError, AttributeError):
            forged.update(exercises)
    message = (
        "the grader received results it did not ask for: your code wrote into the grader's "
        "channel, so none of this exercise's results can be trusted"
    )
    outcomes = {exercise: list(checks.values()) for exercise, checks in found.items()}
    for exercise in forged:
        outcomes[exercise] = _all_failed(
            exercise, expected[exercise], "tampering", message, 0
        ).checks
    return outcomes, running


def _why_missing(run: _Run, running: str, time_limit: float) -> tuple[str, str]:
    """Why a check has no record: the run stopped before it ended."""
    during = f" during `{running}`" if running else ""
    code = run.process.returncode
    if run.timed_out or "[time limit]" in run.text or code == -signal.SIGXCPU:
        return "time limit", f"stopped after {time_limit:.0f} s{during}: an endless loop or a hang?"
    if run.flooded:
        return "output flood", f"stopped{during}: it printed more than {OUTPUT_LIMIT // 1024} KB"
    if code is not None and code < 0:
        tail = "\n".join(run.text.strip().splitlines()[-8:])
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return "crashed", f"the Python process was killed by {name}{during}:\n{tail}"
    if "INTERNALERROR" in run.text:
        tail = "\n".join(run.text.strip().splitlines()[-8:])
        return "crashed", f"the grading run failed{during}:\n{tail}"
    return (
        "exits",
        f"the Python process stopped{during} with exit status {code}: your code ended the "
        "process (os._exit, sys.exit in a thread, ...); a function must return",
    )
