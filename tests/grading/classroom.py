"""Grade a class: one folder per learner, each laid out like ``exercises/``.

Every learner's every exercise runs in a subprocess of its own (pytest on one grading module),
on a copy of the learner's folder, in a temporary working directory, with a temporary SQLite
``DATABASE_URL`` and a time limit. So a syntax error, an endless loop, a missing import or code that
deletes files costs that learner that exercise, with the reason in the table, and grading goes
on; the instructor's repository and databases are never the learner code's working directory or
database.

Standard library only, so it also runs as a script::

    .venv/bin/python tests/grading/classroom.py CLASS_FOLDER [--out build/grades] [--time-limit 60]

(``make grade-class CLASS=...`` and ``pytest tests/grading --target CLASS`` call the same code.)
"""

import argparse
import csv
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
GRADING_DIR = REPO_ROOT / "tests" / "grading"
EXERCISE_PATTERN = re.compile(r"ex\d\d_[a-z0-9_]+\.py")
DEFAULT_TIME_LIMIT = 60.0
# Shown in the table instead of a bare score, most telling first.
REASONS = ("time limit", "crashed", "syntax error", "import error", "missing file")
_TAG = re.compile(r"\[([a-z -]+)\]")


@dataclass
class TestOutcome:
    name: str
    passed: bool
    message: str = ""


@dataclass
class ExerciseResult:
    exercise: str
    score: int
    points: int
    reason: str = ""
    seconds: float = 0.0
    tests: list[TestOutcome] = field(default_factory=list)


@dataclass
class LearnerResult:
    learner: str
    exercises: dict[str, ExerciseResult]

    @property
    def total(self) -> int:
        return sum(result.score for result in self.exercises.values())

    @property
    def points(self) -> int:
        return sum(result.points for result in self.exercises.values())


@dataclass
class ClassResult:
    exercises: list[str]
    learners: list[LearnerResult]
    seconds: float
    files: list[Path] = field(default_factory=list)


def exercise_names() -> list[str]:
    """The exercises the grader knows: one ``tests/grading/test_<exercise>.py`` each."""
    return sorted(p.stem.removeprefix("test_") for p in GRADING_DIR.glob("test_ex[0-9][0-9]_*.py"))


def is_learner_folder(path: Path) -> bool:
    return path.is_dir() and any(EXERCISE_PATTERN.fullmatch(p.name) for p in path.iterdir())


def is_class_folder(path: Path) -> bool:
    """A folder of learner folders (and no exercise files of its own)."""
    return (
        path.is_dir()
        and not is_learner_folder(path)
        and any(is_learner_folder(child) for child in path.iterdir())
    )


def discover_learners(class_dir: Path) -> list[Path]:
    return sorted(child for child in class_dir.iterdir() if is_learner_folder(child))


def _child_environment(database_url: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
        # Only the plugin grading needs: faster start, and no plugin sees the learner's code.
        PYTEST_DISABLE_PLUGIN_AUTOLOAD="1",
    )
    return env


def _pytest_command(python: str, *args: str) -> list[str]:
    return [
        python, "-m", "pytest", "-p", "pytest_django.plugin", "-p", "no:cacheprovider",
        "--rootdir", str(REPO_ROOT), "-c", str(REPO_ROOT / "pyproject.toml"), *args,
    ]  # fmt: skip


def _run(
    command: list[str], cwd: Path, env: dict[str, str], time_limit: float
) -> tuple[int | None, str]:
    """Run a command in its own process group; kill the whole group at the time limit.
    Returns (exit code or None on time-out, combined output)."""
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=time_limit)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, output


class ForkServer:
    """One ``forkserver.py`` process: runs one grading job at a time, each in a forked child."""

    def __init__(self, python: str, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [python, str(GRADING_DIR / "forkserver.py")],
            cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def run(
        self, args: list[str], cwd: Path, env: dict[str, str], time_limit: float
    ) -> tuple[int | None, str]:
        output = cwd.parent / "output.txt"
        job = {
            "args": args,
            "cwd": str(cwd),
            "env": env,
            "time_limit": time_limit,
            "output": str(output),
        }
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("the grading fork server stopped")
        return json.loads(answer)["code"], output.read_text() if output.exists() else ""

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def count_points(python: str = sys.executable, time_limit: float = 120.0) -> dict[str, int]:
    """How many tests each exercise has, as the grading subprocesses see them (SQLite)."""
    with tempfile.TemporaryDirectory(prefix="grading-count-") as temp:
        env = _child_environment(f"sqlite:///{temp}/count.sqlite3")
        command = _pytest_command(python, str(GRADING_DIR), "--collect-only", "-q")
        code, output = _run(command, Path(temp), env, time_limit)
    if code != 0:
        raise RuntimeError(f"could not collect the grading tests:\n{output}")
    points: dict[str, int] = {}
    for line in output.splitlines():
        match = re.match(r"tests/grading/test_(ex\d\d_[a-z0-9_]+)\.py::", line)
        if match:
            points[match.group(1)] = points.get(match.group(1), 0) + 1
    return points


def grade_exercise(
    learner_dir: Path,
    exercise: str,
    points: int,
    time_limit: float,
    python: str = sys.executable,
    server: ForkServer | None = None,
) -> ExerciseResult:
    """Grade one learner's one exercise in a fresh subprocess and temporary folder."""
    started = time.monotonic()
    if not (learner_dir / f"{exercise}.py").is_file():  # not handed in: nothing to run
        message = f"[missing file] {exercise}.py is not in {learner_dir.name}/"
        return ExerciseResult(
            exercise, 0, points, "missing file", 0.0, [TestOutcome("all", False, message)]
        )
    with tempfile.TemporaryDirectory(prefix="grading-") as temp_name:
        temp = Path(temp_name)
        copy = temp / "learner"
        shutil.copytree(learner_dir, copy, ignore=shutil.ignore_patterns("__pycache__", ".*"))
        work = temp / "work"
        work.mkdir()
        report = temp / "report.xml"
        env = _child_environment(f"sqlite:///{temp}/db/grading.sqlite3")
        command = _pytest_command(
            python,
            str(GRADING_DIR / f"test_{exercise}.py"),
            "--target", str(copy), "-q", f"--junitxml={report}", "-o", "junit_family=xunit2",
        )  # fmt: skip
        if server is not None:
            code, output = server.run(command[3:], work, env, time_limit)
        else:
            code, output = _run(command, work, env, time_limit)
        seconds = time.monotonic() - started
        if code is None:
            message = f"[time limit] stopped after {time_limit:.0f} s: an endless loop or a hang?"
            return ExerciseResult(
                exercise, 0, points, "time limit", seconds, [TestOutcome("all", False, message)]
            )
        tests = _read_junit(report) if report.exists() else []
    if not tests:
        tail = "\n".join(output.strip().splitlines()[-15:])
        message = f"[crashed] the grading run ended (exit code {code}) without results:\n{tail}"
        return ExerciseResult(
            exercise, 0, points, "crashed", seconds, [TestOutcome("all", False, message)]
        )
    score = sum(test.passed for test in tests)
    return ExerciseResult(exercise, score, max(points, len(tests)), _reason(tests), seconds, tests)


def _read_junit(report: Path) -> list[TestOutcome]:
    tests = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        problem = next((c for c in case if c.tag in ("failure", "error", "skipped")), None)
        if problem is None:
            tests.append(TestOutcome(case.get("name", "?"), True))
        else:
            message = problem.get("message") or (problem.text or "").strip()
            tests.append(
                TestOutcome(case.get("name", "?"), False, message.removeprefix("Failed: "))
            )
    return tests


def _reason(tests: list[TestOutcome]) -> str:
    tags = {tag for test in tests if not test.passed for tag in _TAG.findall(test.message)}
    return next((reason for reason in REASONS if reason in tags), "")


def grade_class(
    class_dir: Path,
    out_dir: Path,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    jobs: int | None = None,
    python: str = sys.executable,
    echo: Callable[[str], None] = print,
    fork: bool = True,
) -> ClassResult:
    """Grade every learner folder of ``class_dir``; write CSV, JSON and feedback to ``out_dir``."""
    started = time.monotonic()
    learners = discover_learners(class_dir)
    if not learners:
        raise ValueError(f"{class_dir} holds no learner folders (each with exNN_*.py files)")
    exercises = exercise_names()
    points = count_points(python)
    jobs = jobs or os.cpu_count() or 1
    echo(f"grading {len(learners)} learners x {len(exercises)} exercises, {jobs} at a time")
    results: dict[str, dict[str, ExerciseResult]] = {learner.name: {} for learner in learners}

    servers: queue.Queue[ForkServer | None] = queue.Queue()
    server_dir = Path(tempfile.mkdtemp(prefix="grading-servers-"))
    for _ in range(jobs):
        servers.put(
            ForkServer(python, _child_environment("sqlite:///unused"), server_dir) if fork else None
        )

    def grade(task: tuple[Path, str]) -> None:
        learner, exercise = task
        server = servers.get()
        try:
            result = grade_exercise(
                learner, exercise, points.get(exercise, 0), time_limit, python, server
            )
        finally:
            servers.put(server)
        results[learner.name][exercise] = result
        note = f" ({result.reason})" if result.reason else ""
        echo(
            f"  {learner.name:<20} {exercise:<34} {result.score}/{result.points}{note} {result.seconds:.1f} s"
        )

    tasks = [(learner, exercise) for learner in learners for exercise in exercises]
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(grade, tasks))
    finally:
        while not servers.empty():
            server = servers.get()
            if server is not None:
                server.close()
        shutil.rmtree(server_dir, ignore_errors=True)
    rows = [
        LearnerResult(name, {exercise: results[name][exercise] for exercise in exercises})
        for name in sorted(results)
    ]
    result = ClassResult(exercises, rows, time.monotonic() - started)
    result.files = write_reports(result, out_dir)
    return result


def _cell(result: ExerciseResult) -> str:
    cell = f"{result.score}/{result.points}"
    return f"{cell} {result.reason}" if result.reason else cell


def format_table(result: ClassResult) -> str:
    header = ["learner", *(exercise[:4] for exercise in result.exercises), "total"]
    rows = [
        [
            row.learner,
            *(_cell(row.exercises[e]) for e in result.exercises),
            f"{row.total}/{row.points}",
        ]
        for row in result.learners
    ]
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    ]
    lines.append(f"({len(result.learners)} learners graded in {result.seconds:.1f} s)")
    return "\n".join(line.rstrip() for line in lines)


def write_reports(result: ClassResult, out_dir: Path) -> list[Path]:
    """grades.csv and grades.json for the instructor, feedback/<learner>.md for each learner."""
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out_dir / "grades.csv", out_dir / "grades.json"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *result.exercises, "total", "points", "notes"])
        for row in result.learners:
            notes = "; ".join(f"{e}: {r.reason}" for e, r in row.exercises.items() if r.reason)
            scores = [row.exercises[e].score for e in result.exercises]
            writer.writerow([row.learner, *scores, row.total, row.points, notes])
    document = {
        "exercises": result.exercises,
        "seconds": round(result.seconds, 1),
        "learners": [
            {"learner": row.learner, "total": row.total, "points": row.points,
             "exercises": {e: asdict(r) for e, r in row.exercises.items()}}
            for row in result.learners
        ],
    }  # fmt: skip
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    feedback_dir = out_dir / "feedback"
    feedback_dir.mkdir(exist_ok=True)
    written = [csv_path, json_path]
    for row in result.learners:
        path = feedback_dir / f"{row.learner}.md"
        path.write_text(_feedback(row))
        written.append(path)
    return written


def _feedback(row: LearnerResult) -> str:
    lines = [f"# Feedback for {row.learner}: {row.total}/{row.points}", ""]
    for exercise, result in row.exercises.items():
        lines.append(
            f"## {exercise}: {result.score}/{result.points}"
            + (f" ({result.reason})" if result.reason else "")
        )
        lines.append("")
        failed = [test for test in result.tests if not test.passed]
        if not failed:
            lines += ["Everything passed.", ""]
        for test in failed:
            lines += [
                f"- `{test.name}`:",
                "",
                "  " + test.message.strip().replace("\n", "\n  "),
                "",
            ]
    lines.append(
        "Check your own copy with `make grade` (or `.venv/bin/pytest tests/grading -k ex03`)."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("class_dir", type=Path, help="a folder with one sub-folder per learner")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "grades")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args(argv)
    result = grade_class(
        args.class_dir.resolve(),
        args.out.resolve(),
        time_limit=args.time_limit,
        jobs=args.jobs or None,
    )
    print(format_table(result))
    for path in result.files[:2]:
        print(f"written: {path}")
    print(f"feedback: {args.out / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
