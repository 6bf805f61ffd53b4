"""The attendee's environment works: JupyterLab starts headless, lists the lessons and starts a
kernel that runs code, checked through its REST API and kernel websocket (what the browser uses).

The server listens on 127.0.0.1 only, on a free port, with a token, keeps its runtime files in a
temporary folder and never opens a browser; the test stops it, and the kernel, itself.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2
import pytest
from websockets.sync.client import connect

from workshop.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
STARTUP_SECONDS = 90
KERNEL_SECONDS = 60


@dataclass(frozen=True)
class Lab:
    url: str
    token: str
    log: Path

    def client(self) -> httpx2.Client:
        return httpx2.Client(
            base_url=self.url, headers={"Authorization": f"token {self.token}"}, timeout=10
        )


def wait_until_up(lab: Lab, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    with lab.client() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{lab.log.read_text()}")
            try:
                if client.get("/api/status").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer within {STARTUP_SECONDS} s:\n{lab.log.read_text()}")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    home = tmp_path_factory.mktemp("jupyter")
    port, token = free_port(), secrets.token_hex(16)
    lab = Lab(f"http://127.0.0.1:{port}", token, home / "server.log")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"JUPYTER_RUNTIME_DIR": str(home / "runtime"), "PYTHONWARNINGS": "ignore"}
    command = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={NOTEBOOKS}",
        # No traffic beyond loopback: no update checks, no news feed.
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
    ] + (["--allow-root"] if os.geteuid() == 0 else [])  # fmt: skip
    with lab.log.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(lab, process)
        yield lab
    finally:
        process.send_signal(signal.SIGINT)  # Jupyter's clean shutdown (asks twice, like Ctrl-C)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_the_lessons_are_listed(lab: Lab) -> None:
    with lab.client() as client:
        response = client.get("/api/contents/")
    assert response.status_code == 200
    listed = {item["name"]: item["type"] for item in response.json()["content"]}
    lessons = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert lessons, "no lesson notebooks found"
    for name in lessons:
        assert listed.get(name) == "notebook", f"{name} not listed as a notebook: {listed}"


def test_a_lesson_opens_with_its_workshop_metadata(lab: Lab) -> None:
    with lab.client() as client:
        response = client.get("/api/contents/00_welcome.ipynb")
    assert response.status_code == 200
    notebook = response.json()["content"]
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"
    assert notebook["metadata"]["workshop"]["lesson"] == 0


def run_code(lab: Lab, kernel_id: str, code: str) -> str:
    """Execute ``code`` on the kernel through the websocket JupyterLab's browser tab uses, and
    return what it printed."""
    url = f"ws://127.0.0.1:{lab.url.rsplit(':', 1)[1]}/api/kernels/{kernel_id}/channels"
    msg_id = uuid.uuid4().hex
    request = {
        "header": {
            "msg_id": msg_id,
            "msg_type": "execute_request",
            "session": uuid.uuid4().hex,
            "username": "test",
            "version": "5.3",
            "date": "",
        },
        "parent_header": {},
        "metadata": {},
        "content": {"code": code, "silent": False, "store_history": False},
        "channel": "shell",
    }
    printed = []
    deadline = time.monotonic() + KERNEL_SECONDS
    headers = {"Authorization": f"token {lab.token}"}
    with connect(url, additional_headers=headers, open_timeout=10) as socket_:
        socket_.send(json.dumps(request))
        while time.monotonic() < deadline:
            try:
                message = json.loads(socket_.recv(timeout=max(0.1, deadline - time.monotonic())))
            except TimeoutError:
                break
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(printed)
    pytest.fail(f"the kernel did not finish running {code!r} within {KERNEL_SECONDS} s")


def test_a_kernel_starts_runs_code_and_stops(lab: Lab) -> None:
    with lab.client() as client:
        specs = client.get("/api/kernelspecs").json()
        assert "python3" in specs["kernelspecs"]
        started = client.post("/api/kernels", json={"name": "python3"})
        assert started.status_code == 201, started.text
        kernel_id = started.json()["id"]
        try:
            assert kernel_id in {kernel["id"] for kernel in client.get("/api/kernels").json()}
            printed = run_code(lab, kernel_id, "import sys, app; print(6 * 7, sys.prefix)")
            answer, prefix = printed.split()
            assert answer == "42"
            assert Path(prefix) == Path(sys.prefix)  # the workshop's venv, which imports `app`
        finally:
            stopped = client.delete(f"/api/kernels/{kernel_id}")
        assert stopped.status_code == 204
        assert kernel_id not in {kernel["id"] for kernel in client.get("/api/kernels").json()}
