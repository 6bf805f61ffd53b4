"""``python -m bench [--quick] [--out DIR] [--variants a,b] ...``: run and report.

Defaults take about 2.5 minutes on 2 cores: 8 variants x 2 requests x (1 s warm-up + 3 rounds
of 2 s). ``--quick`` (for notebook 08) takes under a minute: 0.3 s warm-up, 2 rounds of 0.6 s.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from bench import report
from bench.database import bench_database
from bench.runner import Measurement, Settings, cpu_plan, run_variant
from bench.variants import BY_NAME, VARIANT_NAMES
from workshop.databases import is_postgresql

DEFAULT_BOOKS = 200
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
        help="comma-separated subset, run in the canonical order (default: all eight)",
    )
    parser.add_argument(
        "--backends",
        help="sqlite, postgresql or both (sqlite,postgresql); default: postgresql when "
        "DATABASE_URL points at a server, sqlite otherwise. PostgreSQL: the DATABASE_URL server, "
        f"else {PG_URL}",
    )
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--warmup", type=float, help="seconds of warm-up per request (1; quick 0.3)"
    )
    parser.add_argument("--rounds", type=int, help="measured rounds per request (3; quick 2)")
    parser.add_argument("--duration", type=float, help="seconds per round (2; quick 0.6)")
    parser.add_argument("--books", type=int, default=DEFAULT_BOOKS, help="books in the database")
    args = parser.parse_args(argv)
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
        warmup=args.warmup if args.warmup is not None else (0.3 if args.quick else 1.0),
        rounds=args.rounds if args.rounds is not None else (2 if args.quick else 3),
        duration=args.duration if args.duration is not None else (0.6 if args.quick else 2.0),
    )
    chosen = [name for name in VARIANT_NAMES if name in args.variants.split(",")]
    server_url = os.environ.get("DATABASE_URL")
    cpus = cpu_plan()
    started = time.perf_counter()

    def log(measurement: Measurement) -> None:
        row = report.summarise(measurement)
        print(
            f"  {row.variant:<22} {row.request:<4} {row.rps:>8,.0f} req/s  p50 {row.p50_ms:6.2f} ms"
            f"  p99 {row.p99_ms:6.2f} ms  errors {row.errors}  generator CPU "
            f"{row.generator_cpu_percent:.0f}%  server CPU {row.server_cpu_percent:.0f}%",
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
                measurements += run_variant(BY_NAME[name], database, settings, log)
            databases[database.backend] = database.version

    rows = [report.summarise(m) for m in measurements]
    machine = report.machine_info(settings, databases, cpus)
    print()
    print(report.policies(list(databases)))
    print()
    print(report.table(rows))
    print()
    print(report.target_check(rows))
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


if __name__ == "__main__":
    sys.exit(main())
