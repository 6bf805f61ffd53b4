"""The Django-served variants run Django as it comes: on SQLite, Django's own backend (a
connection per request under ASGI, persistent under gunicorn), never the app's pool."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("views", "conn_max_age"), [("async", 0), ("ninja", 0), ("sync", 600)])
def test_django_variants_use_djangos_own_sqlite_backend(tmp_path, views, conn_max_age):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/bench.sqlite3",
        "BENCH_DJANGO_VIEWS": views,
        "SECRET_KEY": "fairness-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789",
        "DEBUG": "0",
    }
    script = (
        "import json, bench.servers.django_settings as s; "
        "print(json.dumps(s.DATABASES['default'], default=str))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPOSITORY_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    database = json.loads(completed.stdout)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == conn_max_age
