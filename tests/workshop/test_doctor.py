"""`make doctor` tells a learner what is wrong with their machine, and how to fix it."""

import subprocess
import sys

from tests.servers import REPOSITORY_ROOT, manage, server_env


def doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop.doctor"],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def line(output: str, check: str) -> str:
    return next(row for row in output.splitlines() if row.split()[1:2] == [check])


def test_unmigrated_database_fails_with_the_fix(tmp_path):
    result = doctor(server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}"))
    assert result.returncode == 1
    assert line(result.stdout, "database").startswith("FAIL")
    assert "run `make db`" in line(result.stdout, "database")
    assert line(result.stdout, "python").startswith("OK")


def test_migrated_database_passes(tmp_path):
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'ready.sqlite3'}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    result = doctor(env)
    assert (
        line(result.stdout, "database")
        == "OK    database        sqlite database reachable and migrated"
    )
    assert line(result.stdout, "packages").startswith("OK")
    assert line(result.stdout, "jupyter").startswith("OK")


def test_malformed_database_url_is_a_failure_not_a_crash():
    result = doctor(server_env(DATABASE_URL="nonsense://x"))
    assert result.returncode == 1
    assert "DATABASE_URL" in line(result.stdout, "database")
    assert "Traceback" not in result.stderr


def test_unreachable_postgresql_names_the_reason(postgresql_url):
    missing = postgresql_url.rsplit("/", 1)[0] + "/no_such_database_here"
    result = doctor(server_env(DATABASE_URL=missing))
    assert result.returncode == 1
    assert 'database "no_such_database_here" does not exist' in line(result.stdout, "database")
