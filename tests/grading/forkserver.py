"""A grading worker that imports the heavy libraries once and forks a fresh process per job.

Starting Python, pytest, Django, FastAPI and Pydantic costs about a second of CPU per grading
subprocess; a class of 30 runs 210 of them. The worker pays that once: for each job (a line of
JSON on stdin) it forks a child that is still a separate process, in its own session, with its
own working directory, environment and temporary database, killed with its whole process group
at the time limit. Django itself is configured only in the child (settings depend on the job's
``DATABASE_URL``), so nothing configured or connected is shared.

Protocol: stdin gets ``{"args", "cwd", "env", "time_limit", "output"}`` per line; stdout answers
``{"code": int | null}`` (null: killed at the time limit) per line.
"""

import json
import os
import signal
import sys
import time


def preload() -> None:
    """Import what every grading run imports, without configuring Django. Not pytest_django:
    pytest must import its plugin module itself (to rewrite its asserts), or it warns."""
    import asgiref.sync  # noqa: F401
    import django.db.models
    import django.test  # noqa: F401
    import fastapi  # noqa: F401
    import httpx2  # noqa: F401
    import pydantic  # noqa: F401
    import pytest  # noqa: F401
    import starlette.testclient  # noqa: F401


def run_child(job: dict) -> None:
    """In the forked child: become the job's process and run pytest; never returns."""
    code = 70
    try:
        os.setsid()
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        output = os.open(job["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1)
        os.dup2(output, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        import pytest

        code = int(pytest.main(job["args"]))
    except BaseException as error:  # report anything, then leave without running the parent's code
        print(f"grading child failed: {error!r}", file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def wait(pid: int, time_limit: float) -> int | None:
    deadline = time.monotonic() + time_limit
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            try:
                os.killpg(pid, signal.SIGKILL)  # the child and anything it started
            except ProcessLookupError:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.02)


def main() -> None:
    # Started as a script: its own folder is sys.path[0]; the children must not see it.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        sys.path.pop(0)
    preload()
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_child(job)
        code = wait(pid, job["time_limit"])
        print(json.dumps({"code": code}), flush=True)


if __name__ == "__main__":
    main()
