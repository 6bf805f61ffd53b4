"""Turn measurements into the table on stdout and results.json / results.csv / results.png."""

import csv
import json
import os
import platform
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.runner import Measurement, Settings
from bench.variants import BY_NAME, GUNICORN_NAMES, VARIANT_NAMES

RUN_KEYS = (
    "backend",
    "variant",
    "request",
    "rps",
    "p50_ms",
    "p99_ms",
    "errors",
    "server_cpu_s",
    "req_per_cpu_s",
)
SCENARIO_KEYS = ("scenario", "connections", "skip")  # what a growth run adds to RUN_KEYS
APP = "app_async_orm"


@dataclass(frozen=True)
class Row:
    """One (backend, variant, request): the median of the rounds, and their spread."""

    backend: str
    variant: str
    request: str
    rps: float
    rps_min: float
    rps_max: float
    p50_ms: float
    p99_ms: float
    errors: int
    rounds: int
    generator_cpu_percent: float
    server_cpu_percent: float
    requests: int = 0  # answered in the measured rounds
    server_cpu_s: float = 0.0  # the server's process tree, user + system, over those rounds
    connections: int = 16
    scenario: str = "base"
    skip: int = 0
    recorded_per_cpu_second: float | None = None  # read back from a results.csv (load_rows)

    @property
    def per_cpu_second(self) -> float:
        """Requests per second of the server's own CPU time: what one request costs the server,
        nearly independent of other work on the machine (a database server's CPU not included)."""
        if self.recorded_per_cpu_second is not None:
            return self.recorded_per_cpu_second
        return self.requests / self.server_cpu_s if self.server_cpu_s > 0 else 0.0

    def run(self) -> dict[str, Any]:
        """The row as results.json's contract has it: exactly RUN_KEYS, and for a growth
        scenario's run SCENARIO_KEYS too."""
        run: dict[str, Any] = {
            "backend": self.backend,
            "variant": self.variant,
            "request": self.request,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "errors": self.errors,
            "server_cpu_s": round(self.server_cpu_s, 3),
            "req_per_cpu_s": round(self.per_cpu_second, 1),
        }
        if self.scenario != "base":
            run.update(scenario=self.scenario, connections=self.connections, skip=self.skip)
        return run


def summarise(measurement: Measurement) -> Row:
    rounds = measurement.rounds
    rps = [r["rps"] for r in rounds]
    return Row(
        backend=measurement.backend,
        variant=measurement.variant,
        request=measurement.request,
        rps=statistics.median(rps),
        rps_min=min(rps),
        rps_max=max(rps),
        p50_ms=statistics.median(r["p50_ms"] for r in rounds),
        p99_ms=statistics.median(r["p99_ms"] for r in rounds),
        errors=int(sum(r["errors"] for r in rounds)) + measurement.warmup_errors,
        rounds=len(rounds),
        generator_cpu_percent=measurement.generator_cpu_percent,
        server_cpu_percent=measurement.server_cpu_percent,
        requests=int(sum(r["requests"] for r in rounds)),
        server_cpu_s=sum(r.get("server_cpu_s", 0.0) for r in rounds),
        connections=measurement.connections,
        scenario=measurement.scenario,
        skip=measurement.skip,
    )


def machine_info(
    settings: Settings, databases: dict[str, str], cpus: tuple[str, str]
) -> dict[str, Any]:
    usable = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(usable) or os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        # Other work on the machine skews every number: the load average says how much there was.
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "databases": databases,
        "benchmark": {
            "connections": settings.connections,
            "warmup_s": settings.warmup,
            "rounds": settings.rounds,
            "round_s": settings.duration,
            "server_cpu": cpus[0] or "not pinned",
            "generator_cpu": cpus[1] or "not pinned",
            "server_cores_per_variant": 1 if cpus[0] else "not pinned",
        },
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def write_json(path: Path, machine: dict[str, Any], rows: list[Row]) -> None:
    """``runs``: the comparison (both requests, every variant, the chosen concurrency);
    ``scenarios``: how cost grows (deep OFFSET, concurrency), only when asked for."""
    document: dict[str, Any] = {
        "machine": machine,
        "runs": [row.run() for row in rows if row.scenario == "base"],
    }
    growth = [row.run() for row in rows if row.scenario != "base"]
    if growth:
        document["scenarios"] = growth
    path.write_text(json.dumps(document, indent=2) + "\n")


def write_csv(path: Path, rows: list[Row]) -> None:
    columns = [
        *RUN_KEYS,
        *SCENARIO_KEYS,
        "rps_min",
        "rps_max",
        "rounds",
        "generator_cpu_percent",
        "server_cpu_percent",
        "requests_per_server_cpu_second",
        "server",
        "connection_policy",
    ]
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for row in rows:
            variant = BY_NAME[row.variant]
            writer.writerow(
                [
                    *(row.run()[key] for key in RUN_KEYS),
                    row.scenario,
                    row.connections,
                    row.skip,
                    round(row.rps_min, 1),
                    round(row.rps_max, 1),
                    row.rounds,
                    round(row.generator_cpu_percent, 1),
                    round(row.server_cpu_percent, 1),
                    round(row.per_cpu_second, 1),
                    variant.server,
                    variant.connections[row.backend],
                ]
            )


PLOT_METRICS = (
    ("rps", "requests/s (median of rounds)"),
    ("p99_ms", "p99 latency, ms (lower is better)"),
    ("per_cpu_second", "requests per server CPU-second"),
)


def load_rows(directory: Path) -> list[Row]:
    """The rows of a run written with ``--out directory``, read back from its results.csv
    (notebook 08). A run made before ``server_cpu_s`` existed has its requests per CPU-second
    (recorded then as req/s over the median CPU share) and 0 for ``server_cpu_s``."""
    with (directory / "results.csv").open(newline="") as file:
        records = list(csv.DictReader(file))
    return [
        Row(
            backend=record["backend"],
            variant=record["variant"],
            request=record["request"],
            rps=float(record["rps"]),
            rps_min=float(record["rps_min"]),
            rps_max=float(record["rps_max"]),
            p50_ms=float(record["p50_ms"]),
            p99_ms=float(record["p99_ms"]),
            errors=int(record["errors"]),
            rounds=int(record["rounds"]),
            generator_cpu_percent=float(record["generator_cpu_percent"]),
            server_cpu_percent=float(record["server_cpu_percent"]),
            server_cpu_s=float(record.get("server_cpu_s") or 0.0),
            connections=int(record.get("connections") or 16),
            scenario=record.get("scenario") or "base",
            skip=int(record.get("skip") or 0),
            recorded_per_cpu_second=float(record["requests_per_server_cpu_second"]),
        )
        for record in records
    ]


def write_png(path: Path, machine: dict[str, Any], rows: list[Row]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plot(machine, rows)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def plot(machine: dict[str, Any], rows: list[Row]) -> Any:
    """One row of panels per (backend, request): req/s, p99 and requests per CPU-second; the
    app in orange, the gunicorn configurations in green. Returns the matplotlib figure."""
    import matplotlib.pyplot as plt

    base = [row for row in rows if row.scenario == "base"]
    panels = list(dict.fromkeys((row.backend, row.request) for row in base))
    figure, axes = plt.subplots(
        len(panels), len(PLOT_METRICS), figsize=(15, 1.2 + 3.4 * len(panels)), squeeze=False
    )
    for y, (backend, request) in enumerate(panels):
        chosen = {r.variant: r for r in base if r.backend == backend and r.request == request}
        names = [name for name in VARIANT_NAMES if name in chosen]
        colours = [
            "tab:orange" if n == APP else "tab:green" if n in GUNICORN_NAMES else "tab:blue"
            for n in names
        ]
        for x, (metric, label) in enumerate(PLOT_METRICS):
            axis = axes[y][x]
            values = [getattr(chosen[name], metric) for name in names]
            axis.barh(names, values, color=colours)
            axis.invert_yaxis()
            what = "list 20 books" if request == "list" else "get one book"
            axis.set_title(f"{backend}: {what}", fontsize=9)
            axis.set_xlabel(label, fontsize=8)
            axis.tick_params(labelsize=7)
            if x:
                axis.set_yticklabels([])
            for position, value in enumerate(values):
                axis.text(value, position, f" {value:,.0f}", va="center", fontsize=7)
    figure.suptitle(f"Books App benchmark, {machine['date'][:10]}, {machine['cpu']}", fontsize=10)
    figure.tight_layout()
    return figure


def table(rows: list[Row]) -> str:
    """The comparison table; growth scenarios' runs, if any, in a second table with their
    concurrency and OFFSET."""
    header = (
        f"{'backend':<10} {'variant':<24} {'req':<4} {'req/s':>7} {'(min-max)':>13} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'gen CPU':>7} {'srv CPU':>7} "
        f"{'CPU s':>6} {'req/CPU-s':>9}"
    )
    lines = [header, "-" * len(header)]
    growth = [row for row in rows if row.scenario != "base"]
    for row in rows:
        if row.scenario == "base":
            lines.append(_line(row))
    if growth:
        lines += [
            "",
            "How cost grows (scenario, connections, OFFSET):",
            header.replace(f"{'req':<4}", f"{'req':<4} {'scenario':<11} {'conn':>4} {'skip':>7}"),
        ]
        lines.append("-" * len(lines[-1]))
        lines += [_line(row, growth=True) for row in growth]
    return "\n".join(lines)


def _line(row: Row, growth: bool = False) -> str:
    spread = f"{row.rps_min:,.0f}-{row.rps_max:,.0f}"
    where = f" {row.scenario:<11} {row.connections:>4} {row.skip:>7}" if growth else ""
    cpu_seconds = f"{row.server_cpu_s:.2f}" if row.server_cpu_s else "-"  # "-": not recorded
    return (
        f"{row.backend:<10} {row.variant:<24} {row.request:<4}{where} {row.rps:>7,.0f} "
        f"{spread:>13} {row.p50_ms:>7.2f} {row.p99_ms:>7.2f} {row.errors:>6} "
        f"{row.generator_cpu_percent:>6.0f}% {row.server_cpu_percent:>6.0f}% "
        f"{cpu_seconds:>6} {row.per_cpu_second:>9,.0f}"
    )


def best_gunicorn(rows: list[Row], backend: str, request: str) -> Row | None:
    """The gunicorn configuration that served the most requests per second in this run: the
    fair baseline for a classic Django deployment on this machine."""
    candidates = [
        row
        for row in rows
        if row.scenario == "base"
        and row.variant in GUNICORN_NAMES
        and (row.backend, row.request) == (backend, request)
    ]
    return max(candidates, key=lambda row: row.rps, default=None)


def comparison(rows: list[Row]) -> str:
    """The app against the best gunicorn configuration (req/s, p99), the cheapest way to serve
    the ORM from FastAPI (``fastapi_def``: requests per CPU-second) and the raw driver."""
    base = {(r.backend, r.variant, r.request): r for r in rows if r.scenario == "base"}
    lines = []
    for backend in dict.fromkeys(r.backend for r in rows):
        for request in ("list", "get"):
            app = base.get((backend, APP, request))
            if app is None:
                continue
            parts = []
            gunicorn = best_gunicorn(rows, backend, request)
            if gunicorn is not None and gunicorn.rps and gunicorn.p99_ms:
                parts.append(
                    f"{app.rps / gunicorn.rps:.2f}x the req/s and {app.p99_ms / gunicorn.p99_ms:.2f}x "
                    f"the p99 of the best gunicorn ({gunicorn.variant})"
                )
            lean = base.get((backend, "fastapi_def", request))
            if lean is not None and lean.per_cpu_second:
                parts.append(
                    f"{app.per_cpu_second / lean.per_cpu_second:.2f}x fastapi_def's requests "
                    "per CPU-second"
                )
            raw = base.get((backend, "raw_driver", request))
            if raw is not None and raw.rps:
                parts.append(f"{app.rps / raw.rps:.2f}x raw_driver's req/s")
            if parts:
                lines.append(f"{APP} {backend} {request}: " + "; ".join(parts))
    return "\n".join(lines)


def policies(backends: list[str]) -> str:
    lines = ["Variants (one server process each; connection policy per backend):"]
    for name in VARIANT_NAMES:
        variant = BY_NAME[name]
        lines.append(f"  {name:<22} {variant.title}; {variant.server}")
        for backend in backends:
            lines.append(f"  {'':<22}   {backend}: {variant.connections[backend]}")
    return "\n".join(lines)
