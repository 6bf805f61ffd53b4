"""Where a variant's server spends its CPU under load, every thread included: ``python -m bench.profile``.

``bench.costs`` times the pieces of a request one by one; this samples the whole server while
the load generator drives it, with py-spy, so nothing is left out: the event loop, the request
threads where the ORM runs, uvicorn, the driver. py-spy starts the server as its own child
(``py-spy record -- python -m bench.serve ...``), which needs no extra rights on Linux (py-spy
needs sudo on macOS).

    .venv/bin/python -m bench.profile                                 # app_async_orm, get, SQLite
    .venv/bin/python -m bench.profile --variant django_gunicorn --request list
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.profile
    .venv/bin/python -m bench.profile --out build/profile    # also keep the sampled stacks

Only samples of the thread holding the GIL count (``--gil``): time spent waiting for the
database or the network is not the server's CPU. Samples taken while the server was importing
its modules at startup are left out. The report gives each package's share (by the innermost
Python frame of each sample; C code counts for the Python function that called it) and the
functions that take the most. ``--out DIR`` keeps the stacks as
``DIR/<variant>_<backend>_<request>.txt`` (collapsed stacks: speedscope.app and flamegraph.pl
read them).
"""

import argparse
import collections
import os
import re
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from bench.cli import PG_URL
from bench.database import bench_database
from bench.runner import Server, Settings, cpu_plan, drive, request_paths
from bench.variants import BY_NAME, VARIANT_NAMES
from workshop.databases import is_postgresql
from workshop.servers import STOP_SECONDS

SAMPLES_PER_SECOND = 250
_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


def py_spy() -> str:
    """The py-spy next to this Python (the project's virtualenv), else the one on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise SystemExit("py-spy is not installed: .venv/bin/pip install -r requirements.txt")
    return found


def _package(file: str) -> str:
    """``django/db/models/query.py`` -> ``django``; ``threading.py`` -> ``threading``."""
    first = file.split("/", 1)[0]
    return first.removesuffix(".py") or file


def summarise(
    stacks_file: Path, top: int = 15
) -> tuple[int, list[tuple[str, int]], list[tuple[str, int]]]:
    """(samples, samples by package, samples by function): each sample counted for its innermost
    Python frame, the code that was running; samples taken during startup imports left out."""
    by_package: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    total = 0
    for line in stacks_file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or "<frozen importlib._bootstrap" in stack:
            continue
        samples = int(count)
        total += samples
        innermost = _FRAME.match(stack.rsplit(";", 1)[-1])
        if innermost is None:
            by_package["?"] += samples
            continue
        by_package[_package(innermost["file"])] += samples
        by_function[f"{innermost['function']} ({innermost['file']})"] += samples
    return total, by_package.most_common(), by_function.most_common(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--variant", default="app_async_orm", choices=VARIANT_NAMES)
    parser.add_argument("--request", default="get", choices=["get", "list"])
    parser.add_argument(
        "--backend",
        choices=["sqlite", "postgresql"],
        help="default: postgresql when DATABASE_URL points at a server, sqlite otherwise",
    )
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds of load (8)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--top", type=int, default=15, help="functions to list (15)")
    parser.add_argument("--out", type=Path, help="keep the sampled stacks in this folder")
    args = parser.parse_args(argv)

    server_url = os.environ.get("DATABASE_URL")
    backend = args.backend or ("postgresql" if is_postgresql(server_url) else "sqlite")
    server = (
        (server_url if is_postgresql(server_url) else PG_URL) if backend == "postgresql" else None
    )
    name = f"{args.variant}_{backend}_{args.request}.txt"
    folder = args.out or Path(tempfile.mkdtemp(prefix="bench-profile-"))
    folder.mkdir(parents=True, exist_ok=True)
    stacks_file = folder / name
    recorder = [
        py_spy(), "record", "--gil", "--subprocesses", "--nonblocking",
        f"--rate={SAMPLES_PER_SECOND}", "--format=raw", f"--output={stacks_file}", "--",
    ]  # fmt: skip
    server_cpus, generator_cpus = cpu_plan()
    settings = Settings(args.connections, warmup=1.0, rounds=1, duration=args.seconds)
    try:
        with (
            bench_database(server, 200) as database,
            Server(BY_NAME[args.variant], database, server_cpus, wrapper=recorder) as running,
        ):
            path = request_paths(database)[args.request]
            result = drive(running, path, settings, generator_cpus)
            assert running.process is not None
            running.process.send_signal(signal.SIGINT)  # py-spy writes its file, ends the server
            running.process.wait(STOP_SECONDS * 3)
        samples, by_package, by_function = summarise(stacks_file, args.top)
    finally:
        if args.out is None:
            shutil.rmtree(folder, ignore_errors=True)

    if samples == 0:
        print("py-spy took no samples of the server: is ptrace allowed here?", file=sys.stderr)
        return 1
    rps = result["rounds"][0]["rps"]
    print(
        f"Where {args.variant}'s CPU goes: {backend}, {args.request}, {args.connections} connections, "
        f"{rps:,.0f} req/s while sampled; {samples:,} samples of the thread holding the GIL "
        f"({SAMPLES_PER_SECOND}/s)."
    )
    print("\nBy package (innermost Python frame):")
    for package, count in by_package:
        if count / samples >= 0.005:
            print(f"  {100 * count / samples:5.1f} %  {package}")
    print(f"\nTop {args.top} functions (their own code, and C code they called):")
    for function, count in by_function:
        print(f"  {100 * count / samples:5.1f} %  {function}")
    if args.out:
        print(f"\nStacks: {stacks_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
