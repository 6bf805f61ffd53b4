"""`make doctor` tells a learner what is wrong with their machine, and how to fix it."""

import http.server
import json
import socket
import subprocess
import sys
import threading

import pytest

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


def test_skipped_check_is_left_out(tmp_path):
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'ready.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "-m", "workshop.doctor", "--skip", "ports"],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert [row for row in result.stdout.splitlines() if row.split()[1:2] == ["ports"]] == []
    assert line(result.stdout, "python").startswith("OK")


def test_a_lean_install_is_ready_and_the_extras_line_names_the_command(tmp_path, monkeypatch):
    from workshop import doctor as doctor_module

    extra = tmp_path / "requirements-dev.txt"
    extra.write_text("-r requirements-lab.txt\nno-such-package-for-the-doctor==1.0\n")
    (tmp_path / "requirements-lab.txt").write_text("pytest==" + _version("pytest") + "\n")
    monkeypatch.setattr(doctor_module, "REQUIREMENTS", tmp_path / "requirements-lab.txt")
    monkeypatch.setattr(doctor_module, "REPOSITORY_ROOT", tmp_path)
    monkeypatch.setattr(doctor_module, "EXTRA_SETS", [("requirements-dev.txt", "make test")])
    assert doctor_module.check_packages().startswith("1 packages the lessons need")
    assert doctor_module.check_extras() == "`make test` adds requirements-dev.txt (1 packages)"


def _version(name: str) -> str:
    import importlib.metadata

    return importlib.metadata.version(name)


class _FakeJupyter(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"version": "2.0"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(handler: type) -> tuple[http.server.ThreadingHTTPServer, threading.Thread]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def test_a_running_jupyterlab_is_not_a_busy_port_but_another_program_is(monkeypatch):
    from workshop import doctor as doctor_module

    server, thread = _serve(_FakeJupyter)
    try:
        port = server.server_address[1]
        monkeypatch.setattr(doctor_module, "LESSON_PORTS", {port: "make lab (JupyterLab)"})
        assert (
            doctor_module.check_ports()
            == f"JupyterLab already runs on {port} (make lab); the other ports are free"
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        monkeypatch.setattr(doctor_module, "LESSON_PORTS", {port: "make lab (JupyterLab)"})
        with pytest.raises(doctor_module.CheckFailed, match=f"port.s. in use: {port}"):
            doctor_module.check_ports()
