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
from collections.abc import Iterator
from contextlib import contextmanager
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


def dockerfile_env() -> dict[str, str]:
    """The image's ENV lines (``ENV A=1 \\`` continued over several lines)."""
    block = re.search(r"^ENV ((?:.*\\\n)*.*)$", DOCKERFILE, re.MULTILINE).group(1)
    pairs = block.replace("\\\n", " ").split()
    return dict(pair.split("=", 1) for pair in pairs)


def production_env(root: Path, allowed_hosts: str = "127.0.0.1") -> dict[str, str]:
    """The image's ENV, plus what `docker run -e` would add, plus a PATH to the image's venv."""
    env = server_env(
        **{
            **dockerfile_env(),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": allowed_hosts,
            "DATABASE_URL": f"sqlite:///{root / 'var' / 'books.sqlite3'}",
            "PORT": str(free_port()),
            "PATH": f"{root / 'venv/bin'}{os.pathsep}{os.environ['PATH']}",
        }
    )
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


@contextmanager
def image_server(root: Path, env: dict[str, str]) -> Iterator[str]:
    """The Dockerfile's own CMD, run as the image runs it; yields its base URL once it listens."""
    command = json.loads(re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE).group(1))
    process = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{env['PORT']}"
    try:
        for _ in range(300):
            try:
                httpx2.get(f"{url}/healthz", timeout=1)
                break
            except httpx2.TransportError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def healthcheck_command() -> str:
    """The HEALTHCHECK's CMD, exactly as written (shell form: Docker runs it with /bin/sh -c)."""
    return re.search(r"^HEALTHCHECK .*\\\n\s+CMD (.+)$", DOCKERFILE, re.MULTILINE).group(1)


def run_healthcheck(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", healthcheck_command()],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
    )


# Plain HTTP from 127.0.0.1 is the proxy saying "this came over TLS": FORWARDED_ALLOW_IPS trusts it.
VIA_TLS_PROXY = {"x-forwarded-proto": "https"}


def test_the_image_starts_migrates_and_serves(image_root):
    env = production_env(image_root)
    with image_server(image_root, env) as url:
        health = httpx2.get(f"{url}/healthz")
        assert health.json() == {"status": "ok", "database": "ok"}
        assert httpx2.get(f"{url}/v0/books/", headers=VIA_TLS_PROXY).json() == []
        css = httpx2.get(f"{url}/static/admin/css/base.css", headers=VIA_TLS_PROXY)
        assert css.status_code == 200


@pytest.mark.parametrize(
    "allowed_hosts", ["books.example.com", ".example.com", "books.example.com,api.example.com"]
)
def test_the_healthcheck_passes_whatever_allowed_hosts_says(image_root, allowed_hosts):
    """README's `docker run -e ALLOWED_HOSTS=books.example.com`: the check's request (Host
    127.0.0.1, plain HTTP) once got TrustedHost's 400, and the container stayed unhealthy."""
    env = production_env(image_root, allowed_hosts=allowed_hosts)
    with image_server(image_root, env) as url:
        check = run_healthcheck(image_root, env)
        assert (check.returncode, check.stderr) == (0, "")
        # The exemption is the health check's alone: the API still refuses a foreign Host.
        refused = httpx2.get(f"{url}/v0/books/", headers=VIA_TLS_PROXY)
        assert refused.status_code == 400


def test_the_healthcheck_fails_when_nothing_answers(image_root):
    """The check could pass by checking nothing: with no server on PORT it must fail."""
    check = run_healthcheck(image_root, production_env(image_root))
    assert check.returncode != 0
    assert "Connection refused" in check.stderr


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
