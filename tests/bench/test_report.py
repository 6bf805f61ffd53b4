"""bench.report's comparisons: which gunicorn configuration is the baseline, and the ratios."""

from bench.report import Row, best_gunicorn, comparison


def _row(variant: str, rps: float, p99_ms: float = 10.0, request: str = "get", **extra) -> Row:
    fields = dict(
        backend="sqlite",
        variant=variant,
        request=request,
        rps=rps,
        rps_min=rps,
        rps_max=rps,
        p50_ms=p99_ms / 2,
        p99_ms=p99_ms,
        errors=0,
        rounds=1,
        generator_cpu_percent=5.0,
        server_cpu_percent=100.0,
        requests=int(rps * 2),
        server_cpu_s=2.0,
    )
    fields.update(extra)
    return Row(**fields)


def test_the_baseline_is_the_gunicorn_configuration_with_most_requests_per_second() -> None:
    rows = [
        _row("django_gunicorn", 900),
        _row("django_gunicorn_gthread4", 1200),
        _row("django_gunicorn_sync4", 1100),
        _row("fastapi_def", 5000),  # not gunicorn: never the baseline
        _row("django_gunicorn_gthread4", 9000, request="list"),  # another request
        _row("django_gunicorn_sync4", 9999, scenario="concurrency", connections=64),
    ]
    best = best_gunicorn(rows, "sqlite", "get")
    assert best is not None and best.variant == "django_gunicorn_gthread4"


def test_requests_per_cpu_second_come_from_requests_and_cpu_seconds() -> None:
    row = _row("app_async_orm", 500, requests=1000, server_cpu_s=0.8)
    assert row.per_cpu_second == 1250
    assert row.run()["req_per_cpu_s"] == 1250
    assert _row("no_db", 1, server_cpu_s=0.0).per_cpu_second == 0.0


def test_comparison_states_the_ratios_against_the_best_gunicorn_and_fastapi_def() -> None:
    rows = [
        _row("app_async_orm", 1000, p99_ms=30, requests=2000, server_cpu_s=2.0),
        _row("fastapi_def", 1250, requests=2500, server_cpu_s=2.0),
        _row("django_gunicorn", 500, p99_ms=10),
        _row("django_gunicorn_gthread4", 800, p99_ms=20),
    ]
    text = comparison(rows)
    assert "1.25x the req/s and 1.50x the p99 of the best gunicorn (django_gunicorn_gthread4)" in (
        text
    )
    assert "0.80x fastapi_def's requests per CPU-second" in text
