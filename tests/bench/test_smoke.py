"""A tiny real benchmark run: the shape of what ``python -m bench --out DIR`` writes.

Never the numbers: they depend on the machine. Two variants, one short round each, so the
whole run stays around ten seconds; the full set of variants runs with ``make bench``.
"""

import csv
import json
from pathlib import Path

import pytest

from bench.variants import VARIANT_NAMES
from tests.bench.commands import run_bench_module

SMOKE_VARIANTS = ["app_async_orm", "no_db"]


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
        f"--out={out}",
    )
    return out, completed.stdout


def test_results_json_has_the_issue_schema(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    document = json.loads((out / "results.json").read_text())
    assert set(document) == {"machine", "runs"}
    assert isinstance(document["machine"], dict) and document["machine"]["cores"] >= 1
    runs = document["runs"]
    assert [(run["variant"], run["request"]) for run in runs] == [
        (variant, request) for variant in SMOKE_VARIANTS for request in ("list", "get")
    ]
    for run in runs:
        assert set(run) == {"backend", "variant", "request", "rps", "p50_ms", "p99_ms", "errors"}
        assert run["backend"] == "sqlite"
        assert run["variant"] in VARIANT_NAMES
        assert all(isinstance(run[key], float) for key in ("rps", "p50_ms", "p99_ms"))
        assert isinstance(run["errors"], int)


def test_csv_has_one_row_per_run(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    with (out / "results.csv").open() as file:
        rows = list(csv.DictReader(file))
    assert [(row["variant"], row["request"]) for row in rows] == [
        (variant, request) for variant in SMOKE_VARIANTS for request in ("list", "get")
    ]
    assert {"rps", "p50_ms", "p99_ms", "errors", "generator_cpu_percent"} <= set(rows[0])


def test_png_is_an_image(bench_output: tuple[Path, str]) -> None:
    out, _ = bench_output
    assert (out / "results.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_stdout_states_policies_and_table(bench_output: tuple[Path, str]) -> None:
    _, stdout = bench_output
    assert "connection policy" in stdout
    for variant in VARIANT_NAMES:  # every variant's policy is stated, even those not run
        assert variant in stdout
    assert "gen CPU" in stdout
