"""``python -m bench [--quick] [--out DIR] [--variants a,b] [--scenarios ...]``: run and report.

Defaults take about 3.5 minutes on 2 cores: 11 variants x 2 requests x (1 s warm-up + 3 rounds
of 2 s), plus starting each server. ``--quick`` (for notebook 08) takes under a minute on a
quiet 2-core machine: 0.2 s warm-up, 2 rounds of 0.4 s.
``--scenarios offset,concurrency`` adds how cost grows (off unless asked for): the list at
``skip=0`` and at a deep ``skip`` on a database of ``--offset-books`` books, and both requests
at each of ``--concurrency`` connections.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.database import bench_database
from bench.runner import Load, Measurement, Settings, cpu_plan, request_paths, run_variant
from bench.variants import BY_NAME, VARIANT_NAMES
from workshop.databases import is_postgresql

DEFAULT_BOOKS = 200
SCENARIOS = ("offset", "concurrency")
PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"  # the workshop's local server


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark every way to serve the Books App's ORM queries, side by side. "
        "SQLite by default; PostgreSQL when DATABASE_URL points at a server.",
    )
    parser.add_argument(
        "--out", type=Path, help="write results.json, results.csv, results.png here"
    )
    parser.add_argument("--quick", action="store_true", help="shorter rounds (under a minute)")
    parser.add_argument(
        "--variants",
        default=",".join(VARIANT_NAMES),
        help="comma-separated subset, run in the canonical order (default: all)",
    )
    parser.add_argument(
        "--backends",
        help="sqlite, postgresql or both (sqlite,postgresql); default: postgresql when "
        "DATABASE_URL points at a server, sqlite otherwise. PostgreSQL: the DATABASE_URL server, "
        f"else {PG_URL}",
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--warmup", type=float, help="seconds of warm-up per request (1; quick 0.2)"
    )
    parser.add_argument("--rounds", type=int, help="measured rounds per request (3; quick 2)")
    parser.add_argument("--duration", type=float, help="seconds per round (2; quick 0.4)")
    parser.add_argument("--books", type=int, default=DEFAULT_BOOKS, help="books in the database")
    parser.add_argument(
        "--scenarios",
        default="",
        help="how cost grows, comma-separated (off by default): offset (list at skip=0 and "
        "at a deep skip on --offset-books books), concurrency (both requests at each of "
        "--concurrency connections)",
    )
    parser.add_argument(
        "--offset-books", type=int, default=100_000, help="books for the offset scenario"
    )
    parser.add_argument(
        "--concurrency", default="1,16,64", help="connections for the concurrency scenario"
    )
    args = parser.parse_args(argv)
    args.scenarios = [name for name in args.scenarios.split(",") if name]
    if not set(args.scenarios) <= set(SCENARIOS):
        parser.error(f"--scenarios takes {', '.join(SCENARIOS)}")
    try:
        args.concurrency = [int(count) for count in args.concurrency.split(",")]
    except ValueError:
        parser.error("--concurrency takes connection counts, e.g. 1,16,64")
    if not all(count >= 1 for count in args.concurrency):
        parser.error("--concurrency counts must be at least 1")
    if args.offset_books < 41:
        parser.error("--offset-books must be at least 41")
    unknown = set(args.variants.split(",")) - set(VARIANT_NAMES)
    if unknown:
        parser.error(
            f"unknown variant(s) {sorted(unknown)}; choose from {', '.join(VARIANT_NAMES)}"
        )
    if args.backends is None:
        args.backends = "postgresql" if is_postgresql(os.environ.get("DATABASE_URL")) else "sqlite"
    if not set(args.backends.split(",")) <= {"sqlite", "postgresql"}:
        parser.error("--backends takes sqlite, postgresql or sqlite,postgresql")
    if args.books < 21:
        parser.error("--books must be at least 21 (the list request asks for 20)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    settings = Settings(
        connections=args.connections,
        warmup=args.warmup if args.warmup is not None else (0.2 if args.quick else 1.0),
        rounds=args.rounds if args.rounds is not None else (2 if args.quick else 3),
        duration=args.duration if args.duration is not None else (0.4 if args.quick else 2.0),
    )
    chosen = [name for name in VARIANT_NAMES if name in args.variants.split(",")]
    server_url = os.environ.get("DATABASE_URL")
    cpus = cpu_plan()
    started = time.perf_counter()

    def log(measurement: Measurement) -> None:
        row = report.summarise(measurement)
        where = (
            f" [{row.scenario}: {row.connections} conn, skip {row.skip}]"
            if row.scenario != "base"
            else ""
        )
        print(
            f"  {row.variant:<24} {row.request:<4}{where} {row.rps:>8,.0f} req/s  "
            f"p50 {row.p50_ms:6.2f} ms  p99 {row.p99_ms:6.2f} ms  errors {row.errors}  "
            f"generator CPU {row.generator_cpu_percent:.0f}%  server CPU "
            f"{row.server_cpu_percent:.0f}%  {row.per_cpu_second:,.0f} req/CPU-s",
            flush=True,
        )

    measurements: list[Measurement] = []
    databases: dict[str, str] = {}
    for backend in args.backends.split(","):
        server = (
            (server_url if is_postgresql(server_url) else PG_URL)
            if backend == "postgresql"
            else None
        )
        with bench_database(server, args.books) as database:
            print(
                f"Benchmark on {database.version} ({database.books} books), "
                f"{settings.connections} connections, {settings.warmup:g} s warm-up + "
                f"{settings.rounds} x {settings.duration:g} s per request; server on CPU "
                f"{cpus[0] or '(not pinned)'}, load generator on CPU {cpus[1] or '(not pinned)'}",
                flush=True,
            )
            for name in chosen:
                loads = None
                if "concurrency" in args.scenarios:
                    loads = [
                        Load(request, path, settings.connections)
                        for request, path in request_paths(database).items()
                    ] + [
                        Load(request, path, count, scenario="concurrency")
                        for count in args.concurrency
                        for request, path in request_paths(database).items()
                    ]
                measurements += run_variant(BY_NAME[name], database, settings, log, loads)
            databases[database.backend] = database.version
        if "offset" in args.scenarios:
            measurements += _offset_scenario(server, args.offset_books, chosen, settings, log)

    rows = [report.summarise(m) for m in measurements]
    machine = report.machine_info(settings, databases, cpus)
    print()
    print(report.policies(list(databases)))
    print()
    print(report.table(rows))
    print()
    print(report.comparison(rows))
    print(
        f"\nMachine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, "
        f"{machine['date']}; took {time.perf_counter() - started:.0f} s"
    )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        report.write_json(args.out / "results.json", machine, rows)
        report.write_csv(args.out / "results.csv", rows)
        report.write_png(args.out / "results.png", machine, rows)
        print(f"Wrote {args.out}/results.json, results.csv, results.png")
    return 0


def _offset_scenario(
    server: str | None, books: int, chosen: list[str], settings: Settings, log: Any
) -> list[Measurement]:
    """The list at skip=0 and near the end of ``books`` books: the database walks past every
    skipped row (OFFSET), so the deep page costs more the deeper it is."""
    measurements: list[Measurement] = []
    with bench_database(server, books) as database:
        deep = database.books - 20
        print(f"Offset scenario on {database.version}: {database.books} books", flush=True)
        loads = [
            Load(
                "list", request_paths(database, skip)["list"], settings.connections, "offset", skip
            )
            for skip in (0, deep)
        ]
        for name in chosen:
            if BY_NAME[name].uses_database:
                measurements += run_variant(BY_NAME[name], database, settings, log, loads)
    return measurements


if __name__ == "__main__":
    sys.exit(main())
