"""Where learner code runs: a bubblewrap sandbox on Linux, else a plain child process.

Inside the sandbox the learner's process sees, read-only, only what grading needs (the Python
installation, the environment in ``.venv``, the ``app`` and ``workshop`` packages, ``tests/``
with the checks, the untouched stubs in ``exercises/``, ``pyproject.toml``), and one writable folder, its scratch folder at
``/scratch``. Nothing else of the machine: not the instructor's home, not the rest of the
checkout (``solutions/`` included), not other learners' folders. It has no network
(``--unshare-net``), its own process tree (``--unshare-pid``) and dies with the grader. Limits on
memory, CPU time, file size and process count come from ``setrlimit`` in the child; the grader
caps time and output itself (``runner``).

Where bubblewrap is missing or refused (not Linux, some containers), :func:`probe` says why and
grading goes on with process isolation only: a child process in its own session, with its own
scratch folder as working directory, environment and database, but able to read and write
whatever the grading user can.
"""

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from workshop.paths import REPOSITORY_ROOT

SCRATCH = Path("/scratch")  # the learner's writable folder, as the sandbox names it
READABLE = (
    "app",
    "workshop",
    "tests",
    "exercises",
    "pyproject.toml",
)  # exercises: the stubs' hints
MEMORY_LIMIT = 3 * 1024**3  # address space; Python with threads reserves more than it uses
FILE_SIZE_LIMIT = 256 * 1024**2


@dataclass(frozen=True)
class Sandbox:
    kind: str  # "bubblewrap" or "process isolation"
    note: str  # one line for the report

    @property
    def isolated_filesystem(self) -> bool:
        return self.kind == "bubblewrap"

    def scratch_name(self, scratch: Path) -> Path:
        """The scratch folder as the learner's process sees it."""
        return SCRATCH if self.isolated_filesystem else scratch

    def command(self, command: list[str], scratch: Path, env: dict[str, str]) -> list[str]:
        if not self.isolated_filesystem:
            return command
        return [*_bubblewrap_arguments(scratch, env), "--", *command]


def _bubblewrap_arguments(scratch: Path, env: dict[str, str]) -> list[str]:
    arguments = [
        shutil.which("bwrap") or "bwrap",
        "--die-with-parent", "--new-session", "--unshare-all", "--clearenv",
        "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
    ]  # fmt: skip
    for top in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = Path("/") / top
        if path.is_symlink():
            arguments += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            arguments += ["--ro-bind", str(path), str(path)]
    prefix = Path(sys.base_prefix).resolve()
    if not prefix.is_relative_to("/usr"):
        arguments += ["--ro-bind", str(prefix), str(prefix)]
    venv = Path(sys.prefix)
    arguments += ["--ro-bind", str(venv), str(venv)]
    for name in READABLE:
        path = REPOSITORY_ROOT / name
        arguments += ["--ro-bind", str(path), str(path)]
    arguments += ["--bind", str(scratch), str(SCRATCH), "--chdir", str(SCRATCH)]
    for key, value in env.items():
        arguments += ["--setenv", key, value]
    return arguments


@cache
def probe() -> Sandbox:
    """Can bubblewrap run here? Tried once per grading run, with the arguments grading uses."""
    if not sys.platform.startswith("linux"):
        return Sandbox("process isolation", f"no sandbox on {sys.platform}: process isolation only")
    if shutil.which("bwrap") is None:
        return Sandbox(
            "process isolation",
            "no sandbox: bubblewrap is not installed (apt-get install bubblewrap); "
            "process isolation only",
        )
    scratch = Path(os.environ.get("TMPDIR", "/tmp"))
    sandbox = Sandbox(
        "bubblewrap", "sandbox: bubblewrap (read-only system, one scratch folder, no network)"
    )
    try:
        completed = subprocess.run(
            sandbox.command([sys.executable, "-c", "pass"], scratch, {}),
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return Sandbox(
            "process isolation", f"no sandbox: bubblewrap failed ({error}); process isolation only"
        )
    if completed.returncode != 0:
        why = (completed.stderr.strip().splitlines() or ["no message"])[-1]
        return Sandbox(
            "process isolation",
            f"no sandbox: bubblewrap is refused here ({why}); process isolation only",
        )
    return sandbox


def limits(cpu_seconds: float) -> Callable[[], None]:
    """``preexec_fn`` for the learner's process: resource limits the kernel enforces."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        cpu = int(cpu_seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply
