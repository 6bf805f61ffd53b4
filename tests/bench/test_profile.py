"""``python -m bench.profile`` samples a real server under load with py-spy. The shape of its
report, never the numbers: the ORM and the app's own code must be among what it saw running."""

import re

from tests.bench.commands import run_bench_module


def test_profile_reports_where_the_servers_cpu_goes(tmp_path):
    completed = run_bench_module(
        "bench.profile", "--seconds=1", "--connections=4", "--top=5", f"--out={tmp_path}"
    )
    report = completed.stdout
    assert report.startswith("Where app_async_orm's CPU goes: sqlite, get, 4 connections")
    by_package = report.split("By package", 1)[1].split("Top 5 functions", 1)[0]
    shares = dict(
        (name, float(share))
        for share, name in re.findall(r"^\s+([\d.]+) %\s+(\S+)$", by_package, re.MULTILINE)
    )
    assert {"django", "app", "fastapi"} <= set(shares), shares
    assert 90 <= sum(shares.values()) <= 100.5  # packages under 0.5 % are not listed
    functions = report.split("Top 5 functions", 1)[1].strip().splitlines()[1:6]
    assert len(functions) == 5 and all(re.match(r"\s+[\d.]+ %\s+\S", line) for line in functions)
    stacks = tmp_path / "app_async_orm_sqlite_get.txt"
    assert "QuerySet" in stacks.read_text()  # the ORM ran on a request thread, and was sampled
