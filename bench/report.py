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
from bench.variants import BY_NAME, VARIANT_NAMES

RUN_KEYS = ("backend", "variant", "request", "rps", "p50_ms", "p99_ms", "errors")


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

    @property
    def per_cpu_second(self) -> float:
        """Requests per second of the server's own CPU time: what one request costs the server,
        nearly independent of other work on the machine (a database server's CPU not included)."""
        return self.rps / (self.server_cpu_percent / 100) if self.server_cpu_percent > 0 else 0.0

    def run(self) -> dict[str, Any]:
        """The row as results.json's contract has it (issue 5): exactly these keys."""
        return {
            "backend": self.backend,
            "variant": self.variant,
            "request": self.request,
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 3),
            "p99_ms": round(self.p99_ms, 3),
            "errors": self.errors,
        }


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
            "server_processes_per_variant": 1,
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
    document = {"machine": machine, "runs": [row.run() for row in rows]}
    path.write_text(json.dumps(document, indent=2) + "\n")


def write_csv(path: Path, rows: list[Row]) -> None:
    columns = [
        *RUN_KEYS,
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
                    *row.run().values(),
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


def write_png(path: Path, machine: dict[str, Any], rows: list[Row]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    backends = list(dict.fromkeys(row.backend for row in rows))
    requests = ["list", "get"]
    figure, axes = plt.subplots(
        len(backends), 2, figsize=(12, 1.2 + 3.2 * len(backends)), squeeze=False
    )
    for y, backend in enumerate(backends):
        for x, request in enumerate(requests):
            axis = axes[y][x]
            chosen = {r.variant: r for r in rows if r.backend == backend and r.request == request}
            names = [name for name in VARIANT_NAMES if name in chosen]
            values = [chosen[name].rps for name in names]
            spread = [
                [chosen[n].rps - chosen[n].rps_min for n in names],
                [chosen[n].rps_max - chosen[n].rps for n in names],
            ]
            colours = ["tab:orange" if n == "app_async_orm" else "tab:blue" for n in names]
            axis.barh(names, values, xerr=spread, color=colours, capsize=3)
            axis.invert_yaxis()
            axis.set_title(f"{backend}: {'list 20 books' if request == 'list' else 'get one book'}")
            axis.set_xlabel("requests/s (median of rounds, bars: min-max)")
            for position, name in enumerate(names):  # the number right of the min-max bar
                row = chosen[name]
                axis.text(row.rps_max, position, f"  {row.rps:,.0f}", va="center", fontsize=8)
    figure.suptitle(f"Books App benchmark, {machine['date'][:10]}, {machine['cpu']}", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def table(rows: list[Row]) -> str:
    header = (
        f"{'backend':<10} {'variant':<22} {'req':<4} {'req/s':>8} {'(min-max)':>15} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'gen CPU':>7} {'srv CPU':>7} {'req/CPU-s':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        spread = f"{row.rps_min:,.0f}-{row.rps_max:,.0f}"
        lines.append(
            f"{row.backend:<10} {row.variant:<22} {row.request:<4} {row.rps:>8,.0f} {spread:>15} "
            f"{row.p50_ms:>7.2f} {row.p99_ms:>7.2f} {row.errors:>6} "
            f"{row.generator_cpu_percent:>6.0f}% {row.server_cpu_percent:>6.0f}% "
            f"{row.per_cpu_second:>8,.0f}"
        )
    return "\n".join(lines)


def target_check(rows: list[Row]) -> str:
    """Issue 5's target for the app: >= 0.9x raw_driver and >= 1.5x django_gunicorn."""
    lines = _ratios(rows, "rps", "req/s")
    lines += _ratios(rows, "per_cpu_second", "requests per server CPU-second")
    return "\n".join(lines)


def _ratios(rows: list[Row], metric: str, label: str) -> list[str]:
    found = {(r.backend, r.variant, r.request): getattr(r, metric) for r in rows}
    lines = []
    for backend in dict.fromkeys(r.backend for r in rows):
        for request in ("list", "get"):
            app = found.get((backend, "app_async_orm", request))
            if not app:
                continue
            parts = []
            for other, goal in (("raw_driver", 0.9), ("django_gunicorn", 1.5)):
                if found.get((backend, other, request)):
                    ratio = app / found[(backend, other, request)]
                    mark = "met" if ratio >= goal else "NOT met"
                    parts.append(f"{ratio:.2f}x {other} (target {goal}x: {mark})")
            if parts:
                lines.append(f"app_async_orm {backend} {request} ({label}): " + "; ".join(parts))
    return lines


def policies(backends: list[str]) -> str:
    lines = ["Variants (one server process each; connection policy per backend):"]
    for name in VARIANT_NAMES:
        variant = BY_NAME[name]
        lines.append(f"  {name:<22} {variant.title}; {variant.server}")
        for backend in backends:
            lines.append(f"  {'':<22}   {backend}: {variant.connections[backend]}")
    return "\n".join(lines)
