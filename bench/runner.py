"""Run the variants: start a server, check its answers, drive it, stop it. One at a time.

The server and the load generator run in processes of their own, pinned to different cores
when the machine has two or more (the server to the first, the generator to the second).
"""

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import httpx2

from bench.database import BenchDatabase
from bench.variants import Variant
from workshop.paths import REPOSITORY_ROOT  # children run `-m bench....` from here
from workshop.servers import ServerProcess, free_port, server_process

STARTUP_TIMEOUT = 60.0
SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789-abcdefghijklmnop"


@dataclass(frozen=True)
class Settings:
    connections: int
    warmup: float
    rounds: int
    duration: float


@dataclass(frozen=True)
class Load:
    """One thing to measure on a running server: a request, how many connections send it."""

    request: str  # "list" or "get"
    path: str
    connections: int
    scenario: str = "base"  # "base", or the growth scenario it belongs to (bench.cli)
    skip: int = 0  # the list's OFFSET


@dataclass(frozen=True)
class Measurement:
    backend: str
    variant: str
    request: str  # "list" or "get"
    rounds: list[dict[str, float]]
    generator_cpu_percent: float
    server_cpu_percent: float
    warmup_errors: int
    connections: int = 16
    scenario: str = "base"
    skip: int = 0


def cpu_plan() -> tuple[str, str]:
    """(server cpus, generator cpus) as "N" strings, or ("", "") on one core or no affinity."""
    if not hasattr(os, "sched_getaffinity"):
        return "", ""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        return "", ""
    return str(cpus[0]), str(cpus[1])


def request_paths(database: BenchDatabase, skip: int = 0) -> dict[str, str]:
    return {
        "list": f"/v0/books/?skip={skip}&limit=20" if skip else "/v0/books/?limit=20",
        "get": f"/v0/books/{database.book_id}",
    }


def base_loads(database: BenchDatabase, connections: int) -> list[Load]:
    """The comparison every run makes: both requests at the chosen concurrency."""
    return [Load(request, path, connections) for request, path in request_paths(database).items()]


def _server_environment(database: BenchDatabase) -> dict[str, str]:
    environment = dict(os.environ)
    for name in ("DJANGO_SETTINGS_MODULE", "BENCH_DJANGO_VIEWS", "PYTHONPATH"):
        environment.pop(name, None)
    environment.update(
        DATABASE_URL=database.url,
        DEBUG="0",  # production settings: no query log, no debug pages
        SECRET_KEY=SECRET_KEY,
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(REPOSITORY_ROOT),
    )
    return environment


class Server:
    """One variant's server process, started and checked in ``__enter__``, stopped in
    ``__exit__``; the process machinery is ``workshop.servers``."""

    def __init__(
        self, variant: Variant, database: BenchDatabase, cpus: str, wrapper: list[str] | None = None
    ) -> None:
        self.variant = variant
        self.database = database
        self.port = free_port()
        self.cpus = cpus
        self.wrapper = wrapper or []  # a command the server runs under (bench.profile: py-spy)
        self._stack = ExitStack()
        self._running: ServerProcess | None = None

    def __enter__(self) -> "Server":
        command = [
            *self.wrapper,
            sys.executable,
            "-m",
            "bench.serve",
            self.variant.name,
            str(self.port),
        ]
        if self.cpus:
            command += ["--cpus", self.cpus]
        with self._stack:
            try:
                self._running = self._stack.enter_context(
                    server_process(
                        command,
                        port=self.port,
                        env=_server_environment(self.database),
                        startup_seconds=STARTUP_TIMEOUT,
                    )
                )
            except RuntimeError as error:
                raise RuntimeError(f"{self.variant.name}: {error}") from None
            self._check_answers()
            self._stack = self._stack.pop_all()  # keep it running past this block
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()
        self._running = None

    @property
    def process(self) -> subprocess.Popen[bytes]:
        assert self._running is not None, "the server is not running"
        return self._running.process

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        assert self._running is not None
        return self._running.log()[-4000:]

    def _check_answers(self) -> None:
        """Every variant must send the app's JSON: a faster wrong answer is no answer."""
        paths = request_paths(self.database)
        expected = {"list": self.database.expected_list, "get": self.database.expected_book}
        with httpx2.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30) as client:
            for request, path in paths.items():
                response = client.get(path)
                if response.status_code != 200 or response.json() != expected[request]:
                    raise RuntimeError(
                        f"{self.variant.name}: GET {path} answered {response.status_code} "
                        f"{response.text[:300]!r}, not the app's JSON\n"
                        f"--- server output ---\n{self.output()}"
                    )


def drive(
    server: Server, path: str, settings: Settings, cpus: str, connections: int | None = None
) -> dict[str, Any]:
    """Run the load generator against ``server`` and return its JSON (see bench.loadgen);
    ``connections`` overrides the settings' count (the concurrency scenario)."""
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        f"--port={server.port}",
        f"--path={path}",
        f"--connections={connections or settings.connections}",
        f"--warmup={settings.warmup}",
        f"--rounds={settings.rounds}",
        f"--duration={settings.duration}",
        f"--server-pid={server.pid}",
    ]
    if cpus:
        command.append(f"--cpus={cpus}")
    budget = settings.warmup + settings.rounds * (settings.duration + 15) + 30
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=budget, check=False, cwd=REPOSITORY_ROOT
    )
    if completed.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout)


def run_variant(
    variant: Variant,
    database: BenchDatabase,
    settings: Settings,
    log: Any,
    loads: list[Load] | None = None,
) -> list[Measurement]:
    """Start ``variant``'s server once and measure each load on it (default: the base pair)."""
    server_cpus, generator_cpus = cpu_plan()
    measurements = []
    with Server(variant, database, server_cpus) as server:
        for load in loads or base_loads(database, settings.connections):
            result = drive(server, load.path, settings, generator_cpus, load.connections)
            measurement = Measurement(
                backend=database.backend,
                variant=variant.name,
                request=load.request,
                rounds=result["rounds"],
                generator_cpu_percent=result["generator_cpu_percent"],
                server_cpu_percent=result["server_cpu_percent"],
                warmup_errors=result["warmup_errors"],
                connections=load.connections,
                scenario=load.scenario,
                skip=load.skip,
            )
            measurements.append(measurement)
            log(measurement)
    return measurements
