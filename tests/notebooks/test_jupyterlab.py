"""The attendee's environment works: JupyterLab starts as `make lab` starts it (the same config
file), serves the repository root, lists the lessons and starts a kernel that runs code, checked
through its REST API and kernel websocket (what the browser uses), and in Debian's Chromium: it
opens on lesson 00, asks nothing about news, and "Open from Path" opens an exercise.

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
LAB_CONFIG = "workshop/jupyter/jupyter_lab_config.py"  # what `make lab` passes to `jupyter lab`
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"
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
    # `make lab`'s configuration; only the port, the token and "no browser" are the test's own.
    command = [
        sys.executable, "-m", "jupyterlab",
        f"--config={LAB_CONFIG}",
        "--no-browser",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
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


def test_make_lab_starts_jupyterlab_with_this_config() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("\nlab:") + 1 :].split("\n")[1]
    assert f"jupyter lab --config={LAB_CONFIG}" in recipe, recipe


def listing(lab: Lab, folder: str) -> dict[str, str]:
    with lab.client() as client:
        response = client.get(f"/api/contents/{folder}")
    assert response.status_code == 200, response.text
    return {item["name"]: item["type"] for item in response.json()["content"]}


def test_the_repository_root_is_served_so_exercises_are_reachable(lab: Lab) -> None:
    root = listing(lab, "")
    assert root.get("notebooks") == "directory", root
    assert root.get("exercises") == "directory", root
    exercises = listing(lab, "exercises")
    assert exercises.get("ex01_django_setup.py") == "file", exercises


def test_notebooks_holds_the_lessons_only(lab: Lab) -> None:
    listed = listing(lab, "notebooks")
    lessons = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert lessons, "no lesson notebooks found"
    for name in lessons:
        assert listed.get(name) == "notebook", f"{name} not listed as a notebook: {listed}"
    # nbval's conftest.py must sit beside the notebooks it configures; nothing else may.
    assert sorted(set(listed) - set(lessons)) == ["conftest.py"], listed


def test_the_home_page_is_lesson_00(lab: Lab) -> None:
    with lab.client() as client:
        response = client.get("/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].rstrip("?").endswith("/lab/tree/notebooks/00_welcome.ipynb")


def test_a_lesson_opens_with_its_workshop_metadata(lab: Lab) -> None:
    with lab.client() as client:
        response = client.get("/api/contents/notebooks/00_welcome.ipynb")
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


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
)
def test_in_chromium_lesson_00_opens_without_a_news_popup_and_an_exercise_opens_from_path(
    lab: Lab,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on(
                "request",
                lambda request: (
                    outside.append(request.url)
                    if not request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:"))
                    else None
                ),
            )
            page.goto(f"{lab.url}/?token={lab.token}")  # what the link make lab prints does
            tab = page.locator(".lm-TabBar-tab.lm-mod-current", has_text="00_welcome.ipynb")
            expect(tab).to_be_visible(timeout=60_000)
            expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=30_000)
            page.wait_for_timeout(3_000)  # the news question appears a moment after start-up
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "jupyterlab-lesson-00.png"))
            assert page.get_by_text("Get notified about official Jupyter news?").count() == 0
            assert page.get_by_text("Could not find path").count() == 0

            # File > Open from Path, as every lesson's exercise pointer says.
            page.locator(".lm-MenuBar-itemLabel", has_text="File").click()
            page.locator(".lm-Menu-itemLabel", has_text="Open from Path").click()
            dialog = page.locator(".jp-Dialog")
            dialog.locator("input").fill("exercises/ex01_django_setup.py")
            dialog.locator("button.jp-mod-accept").click()
            opened = page.locator(".lm-TabBar-tab.lm-mod-current", has_text="ex01_django_setup.py")
            expect(opened).to_be_visible(timeout=30_000)
            expect(page.locator(".jp-FileEditor .cm-content")).to_contain_text("def setup_django")
            page.screenshot(path=str(SCREENSHOTS / "jupyterlab-open-from-path.png"))
        finally:
            browser.close()
    assert outside == []
