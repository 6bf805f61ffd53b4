"""A tiny real benchmark run: the shape of what ``python -m bench --out DIR`` writes.

Never the numbers: they depend on the machine. Three variants (the app, a multi-process
gunicorn configuration, the framework ceiling), one short round each, with both growth scenarios
on a small database; the full set of variants runs with ``make bench``.
"""

import csv
import json
from pathlib import Path

import pytest

from bench.report import RUN_KEYS, SCENARIO_KEYS
from bench.variants import VARIANT_NAMES
from tests.bench.commands import run_bench_module

SMOKE_VARIANTS = ["app_async_orm", "django_gunicorn_sync4", "no_db"]
OFFSET_BOOKS = 60


@pytest.fixture(scope="module")
def bench_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("bench")
    completed = run_bench_module(
        "bench",
        "--quick",
        "--rounds=1",
        "--duration=0.3",
        "--warmup=0.1",
        "--connections=4",
        f"--variants={','.join(SMOKE_VARIANTS)}",
        "--scenarios=offset,concurrency",
        f"--offset-books={OFFSET_BOOKS}",
        "--concurrency=2",
        f"--out={out}",
    )
    return out, completed.stdout


def test_results_json_has_the_issue_schema(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    document = json.loads((out / "results.json").read_text())
    assert set(document) == {"machine", "runs", "scenarios"}  # scenarios: asked for here
    assert isinstance(document["machine"], dict) and document["machine"]["cores"] >= 1
    runs = document["runs"]
    assert [(run["variant"], run["request"]) for run in runs] == [
        (variant, request) for variant in SMOKE_VARIANTS for request in ("list", "get")
    ]
    for run in runs:
        assert set(run) == set(RUN_KEYS)
        assert run["backend"] == "sqlite"
        assert run["variant"] in VARIANT_NAMES
        assert all(
            isinstance(run[key], float)
            for key in ("rps", "p50_ms", "p99_ms", "server_cpu_s", "req_per_cpu_s")
        )
        assert isinstance(run["errors"], int)
        # the server's CPU was measured (its whole process tree), and the ratio is made from it
        assert run["server_cpu_s"] > 0 and run["req_per_cpu_s"] > 0


def test_server_cpu_counts_every_gunicorn_worker(bench_output: tuple[Path, str]) -> None:
    """gunicorn's master only watches its workers: with their CPU left out the server would
    seem to use next to none (about a millisecond) while serving for the whole round."""
    out, _ = bench_output
    runs = json.loads((out / "results.json").read_text())["runs"]
    gunicorn = [run for run in runs if run["variant"] == "django_gunicorn_sync4"]
    assert len(gunicorn) == 2
    for run in gunicorn:
        assert run["server_cpu_s"] > 0.01
        assert run["req_per_cpu_s"] < 100 * run["rps"]


def test_growth_scenarios_are_listed_apart(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    scenarios = json.loads((out / "results.json").read_text())["scenarios"]
    for run in scenarios:
        assert set(run) == set(RUN_KEYS) | set(SCENARIO_KEYS)
    concurrency = {
        (run["variant"], run["request"], run["connections"])
        for run in scenarios
        if run["scenario"] == "concurrency"
    }
    assert concurrency == {
        (variant, request, connections)
        for variant in SMOKE_VARIANTS
        for request in ("list", "get")
        for connections in (2,)
    }
    offset = {
        (run["variant"], run["request"], run["skip"])
        for run in scenarios
        if run["scenario"] == "offset"
    }
    deep = OFFSET_BOOKS - 20
    assert offset == {  # no_db has no database to page through
        (variant, "list", skip)
        for variant in SMOKE_VARIANTS
        if variant != "no_db"
        for skip in (0, deep)
    }
    assert all(run["errors"] == 0 for run in scenarios)


def test_csv_has_one_row_per_run(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    with (out / "results.csv").open() as file:
        rows = [row for row in csv.DictReader(file) if row["scenario"] == "base"]
    assert [(row["variant"], row["request"]) for row in rows] == [
        (variant, request) for variant in SMOKE_VARIANTS for request in ("list", "get")
    ]
    assert {*RUN_KEYS, *SCENARIO_KEYS, "generator_cpu_percent"} <= set(rows[0])


def test_png_is_an_image(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stdout_states_policies_and_table(bench_output: tuple[Path, str]) -> None:
    _, stdout = bench_output
    assert "connection policy" in stdout
    for variant in VARIANT_NAMES:  # every variant's policy is stated, even those not run
        assert variant in stdout
    assert "gen CPU" in stdout
    assert "req/CPU-s" in stdout
    assert "the best gunicorn (django_gunicorn_sync4)" in stdout  # the only one run here
