"""The Docker image, checked without a Docker engine (none runs on the workshop's CI).

The test rebuilds what the Dockerfile builds, step by step: a fresh virtual environment with
only ``requirements-app.txt``, a folder with only the files the Dockerfile copies, production
settings, the Dockerfile's own start command, and a request to /healthz.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

from tests.servers import REPOSITORY_ROOT, free_port, server_env

DOCKERFILE = (REPOSITORY_ROOT / "Dockerfile").read_text()


def test_base_image_and_start_command():
    assert re.search(r"^FROM python:3\.11-slim$", DOCKERFILE, re.MULTILINE)
    command = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))
    assert command[-1].index("manage.py migrate") < command[-1].index("uvicorn app.main:app")


def test_dockerignore_keeps_secrets_and_local_state_out():
    ignored = (REPOSITORY_ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git", ".env", "*.sqlite3"} <= set(ignored)


@pytest.fixture(scope="module")
def image_root(tmp_path_factory) -> Path:
    """What `docker build` would produce: the copied files and a venv of the app's requirements."""
    root = tmp_path_factory.mktemp("image") / "srv"
    root.mkdir()
    for source in re.findall(r"^COPY (\S+) \S+$", DOCKERFILE, re.MULTILINE):
        target = REPOSITORY_ROOT / source
        if target.is_dir():
            shutil.copytree(target, root / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(target, root / source)
    uv = Path(sys.executable).with_name("uv")
    if not uv.exists():
        pytest.skip("uv is not installed in .venv (make setup installs it)")
    subprocess.run([uv, "venv", "-q", "--python", sys.executable, root / "venv"], check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-q",
            "--python",
            root / "venv/bin/python",
            "-r",
            "requirements-app.txt",
        ],
        cwd=root,
        check=True,
        timeout=600,
    )
    return root


def production_env(root: Path) -> dict[str, str]:
    env = server_env(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{root / 'var' / 'books.sqlite3'}",
        PORT=str(free_port()),
        WEB_CONCURRENCY="1",
        PATH=f"{root / 'venv/bin'}{os.pathsep}{os.environ['PATH']}",
    )
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


def test_the_image_starts_migrates_and_serves(image_root):
    env = production_env(image_root)
    command = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))
    process = subprocess.Popen(
        command,
        cwd=image_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        for _ in range(300):
            try:
                health = httpx2.get(f"{url}/healthz", timeout=1)
                break
            except httpx2.TransportError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.1)
        assert health.json() == {"status": "ok", "database": "ok"}
        assert httpx2.get(f"{url}/v0/books/").json() == []
        assert httpx2.get(f"{url}/static/admin/css/base.css").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_the_image_passes_djangos_deployment_checks(image_root):
    result = subprocess.run(
        ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=image_root,
        env=production_env(image_root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
