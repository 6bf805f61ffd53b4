"""The load generator, run as a process of its own: ``python -m bench.loadgen --port ...``.

A small HTTP/1.1 client on raw asyncio protocols (uvloop when installed): N connections, each
sending one GET, waiting for the whole answer, and sending the next (keep-alive). When the
server closes the connection after a response (gunicorn's sync worker does not keep
connections alive), the next request reconnects and the time to connect counts in its latency.
It prints one JSON object: per round, requests, errors, requests/s, p50, p99, its own CPU use
(so the report can show the generator was not the bottleneck) and the server's (``--server-pid``,
its whole process tree), as a share of the round and in CPU seconds.
"""

import argparse
import asyncio
import json
import os
import statistics
import time
from dataclasses import dataclass, field

from bench import eventloop

REQUEST_TIMEOUT = 10.0  # seconds a round may overrun its duration before its requests are errors


class ConnectionClosed(Exception):
    """The server closed the connection before the response was complete."""


class HttpConnection(asyncio.Protocol):
    """One keep-alive connection: ``await fetch()`` sends the request, returns (status, keep_alive)."""

    def __init__(self, request: bytes) -> None:
        self.request = request
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bool]] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop hands over its own transport class, which has asyncio.Transport's methods
        # but does not subclass it (the annotation says what this code uses).
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, error: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionClosed())

    def fetch(self) -> "asyncio.Future[tuple[int, bool]]":
        assert self.transport is not None
        self.buffer.clear()
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(self.request)
        return self.waiter

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return
        head = bytes(self.buffer[:head_end]).lower()
        body_start = head_end + 4
        length_at = head.find(b"\r\ncontent-length:")
        if length_at >= 0:
            line_end = head.find(b"\r\n", length_at + 2)
            line_end = len(head) if line_end < 0 else line_end
            length = int(head[length_at + 17 : line_end])
            if len(self.buffer) - body_start < length:
                return
        elif b"\r\ntransfer-encoding: chunked" in head and not self.buffer.endswith(b"0\r\n\r\n"):
            return
        status = int(head[9:12])
        keep_alive = b"\r\nconnection: close" not in head
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((status, keep_alive))


@dataclass
class Round:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 4),
            "rps": self.requests / self.seconds if self.seconds else 0.0,
            "p50_ms": 1000 * ordered[len(ordered) // 2],
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
            "generator_cpu_percent": 100 * self.cpu_seconds / self.seconds if self.seconds else 0,
            "server_cpu_percent": 100 * self.server_cpu_seconds / self.seconds
            if self.seconds
            else 0,
            "server_cpu_s": round(self.server_cpu_seconds, 4),
        }


def process_tree_cpu_seconds(pid: int | None) -> float:
    """CPU time (user + system, read from /proc by psutil) used so far by process ``pid`` and
    all its descendants (gunicorn's workers), or 0.

    A worker that exits during a round takes its time with it; none does in a benchmark."""
    if pid is None:
        return 0.0
    import psutil

    try:
        root = psutil.Process(pid)
        total = 0.0
        for process in [root, *root.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return 0.0


class Client:
    def __init__(self, port: int, path: str, server_pid: int | None = None) -> None:
        self.port = port
        self.server_pid = server_pid
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n\r\n"
        ).encode()

    async def connect(self) -> HttpConnection:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(
            lambda: HttpConnection(self.request), "127.0.0.1", self.port
        )
        return protocol

    async def _drive(
        self, slot: list[HttpConnection | None], deadline: float, result: Round
    ) -> None:
        """One connection's loop: request after request until the deadline."""
        clock = time.perf_counter
        while clock() < deadline:
            started = clock()
            try:
                connection = slot[0]
                if connection is None or connection.closed:
                    connection = slot[0] = await self.connect()
                status, keep_alive = await connection.fetch()
            except (OSError, ConnectionClosed, ValueError):
                result.errors += 1
                slot[0] = None
                await asyncio.sleep(0.01)  # do not spin on a refused connection
                continue
            result.latencies.append(clock() - started)
            result.requests += 1
            if status != 200:
                result.errors += 1
            if not keep_alive:
                assert connection.transport is not None  # set when the connection was made
                connection.transport.close()
                slot[0] = None

    async def run_round(self, slots: list[list[HttpConnection | None]], seconds: float) -> Round:
        result = Round()
        server_before = process_tree_cpu_seconds(self.server_pid)
        cpu_before, started = time.process_time(), time.perf_counter()
        deadline = started + seconds
        tasks = [asyncio.ensure_future(self._drive(slot, deadline, result)) for slot in slots]
        finished, late = await asyncio.wait(tasks, timeout=seconds + REQUEST_TIMEOUT)
        for task in finished:
            task.result()  # a bug in this client must fail loudly, not read as 0 requests/s
        for task in late:  # a hung request: count it, drop its connection
            task.cancel()
            result.errors += 1
        for slot, task in zip(slots, tasks, strict=True):
            if task in late and slot[0] is not None and slot[0].transport is not None:
                slot[0].transport.abort()
                slot[0] = None
        result.seconds = time.perf_counter() - started
        result.cpu_seconds = time.process_time() - cpu_before
        result.server_cpu_seconds = process_tree_cpu_seconds(self.server_pid) - server_before
        return result


async def measure(
    port: int,
    path: str,
    connections: int,
    warmup: float,
    rounds: int,
    duration: float,
    server_pid: int | None = None,
) -> dict[str, object]:
    client = Client(port, path, server_pid)
    slots: list[list[HttpConnection | None]] = [[None] for _ in range(connections)]
    warm = await client.run_round(slots, warmup) if warmup > 0 else Round()
    measured = [await client.run_round(slots, duration) for _ in range(rounds)]
    for slot in slots:
        if slot[0] is not None and slot[0].transport is not None:
            slot[0].transport.close()
    summaries = [r.summary() for r in measured]
    return {
        "warmup_requests": warm.requests,
        "warmup_errors": warm.errors,
        "rounds": summaries,
        "generator_cpu_percent": statistics.median(s["generator_cpu_percent"] for s in summaries),
        "server_cpu_percent": statistics.median(s["server_cpu_percent"] for s in summaries),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=float, default=2.0)
    parser.add_argument("--server-pid", type=int, help="report this process tree's CPU use")
    parser.add_argument("--cpus", default="", help="comma-separated CPU numbers to pin to")
    args = parser.parse_args(argv)
    if args.cpus and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {int(cpu) for cpu in args.cpus.split(",")})
    work = measure(
        args.port,
        args.path,
        args.connections,
        args.warmup,
        args.rounds,
        args.duration,
        args.server_pid,
    )
    print(json.dumps(eventloop.run(work)))


if __name__ == "__main__":
    main()
