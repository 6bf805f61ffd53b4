"""``workshop.servers``: the one free port and the one server process (output kept, process group
stopped) that tests and the benchmark share; with real processes."""

import socket
import sys
import time

import pytest

from tests.servers import server_env
from workshop.servers import ServerProcess, accepts_connections, free_port, server_process

PYTHON_HTTP_SERVER = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1"]


def test_a_free_port_can_be_listened_on():
    port = free_port()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
        listener.listen()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_a_server_is_ready_when_it_listens_and_stopped_with_its_children(tmp_path):
    port = free_port()
    child_pid = tmp_path / "child.pid"
    # A server that starts a child of its own (as gunicorn starts its worker).
    command = [
        "sh",
        "-c",
        f"sleep 300 & echo $! > {child_pid}; exec {' '.join(PYTHON_HTTP_SERVER)} {port}",
    ]
    with server_process(command, port=port, env=server_env()) as server:
        assert accepts_connections(server)
        process, child = server.process, int(child_pid.read_text())
        assert _alive(child)
    assert process.poll() is not None
    # The signal reached the child too; give it a moment to act on it (a bound, not a timing).
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_server_that_exits_at_once_is_an_error_showing_its_output():
    command = [sys.executable, "-c", "import sys; print('no database here'); sys.exit(3)"]
    with (
        pytest.raises(RuntimeError, match=r"(?s)server exited with 3.*no database here"),
        server_process(command, port=free_port(), env=server_env()),
    ):
        pass


def test_a_server_that_never_gets_ready_is_stopped_and_an_error():
    port = free_port()
    started: list[ServerProcess] = []

    def never(server: ServerProcess) -> bool:
        started.append(server)
        return False

    with (
        pytest.raises(RuntimeError, match="did not answer within 1 s"),
        server_process(
            [*PYTHON_HTTP_SERVER, str(port)],
            port=port,
            env=server_env(),
            ready=never,
            startup_seconds=1,
        ),
    ):
        pass
    assert started[-1].process.poll() is not None
