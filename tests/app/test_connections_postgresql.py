"""What app/db.py promises, proven on PostgreSQL through a real uvicorn server.

No timing thresholds: concurrency is seen in ``pg_stat_activity`` (several ``pg_sleep`` queries
active at the same moment), and the connection bound by counting the server's backends.
"""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx2
import pytest

from tests.postgresql import (
    BackendSampler,
    count_backends,
    postgresql_database,
    small_pool_server_env,
)
from tests.servers import live_server, manage

POOL_SIZE = 4
APPLICATION_NAME = "probe-server"  # PGAPPNAME of the server: the counts see only its connections


@dataclass
class ProbeServer:
    base_url: str
    database_url: str
    database: str

    def backends(self, where: str = "TRUE") -> int:
        """How many of the server's connections to its database match ``where`` right now."""
        return count_backends(self.database_url, self.database, APPLICATION_NAME, where)

    def sampler(self, where: str = "TRUE") -> BackendSampler:
        return BackendSampler(self.database_url, self.database, APPLICATION_NAME, where)


@pytest.fixture(scope="module")
def probe_server(postgresql_url: str) -> Iterator[ProbeServer]:
    with postgresql_database(postgresql_url, prefix="probe") as url:
        env = small_pool_server_env(url, POOL_SIZE, APPLICATION_NAME)
        manage("seed", env=env)
        with live_server(env, app="tests.app.probe_app:app") as server:
            yield ProbeServer(server.base_url, url, url.rsplit("/", 1)[1])


def fire(base_url: str, paths: list[str], concurrency: int) -> list[int]:
    """Send every request, ``concurrency`` at a time; return the status codes."""
    limits = httpx2.Limits(max_connections=concurrency)
    with (
        httpx2.Client(base_url=base_url, timeout=60, limits=limits) as http,
        ThreadPoolExecutor(max_workers=concurrency) as pool,
    ):
        return list(pool.map(lambda path: http.get(path).status_code, paths))


def test_slow_queries_of_concurrent_async_requests_run_at_the_same_time(probe_server):
    sleeping = "state = 'active' AND query LIKE 'SELECT pg_sleep%%'"
    with probe_server.sampler(where=sleeping) as sampler:
        statuses = fire(probe_server.base_url, ["/probe/sleep?seconds=1.5"] * POOL_SIZE, POOL_SIZE)
    assert statuses == [200] * POOL_SIZE
    # Without a ThreadSensitiveContext per request they would queue on one thread: max 1.
    assert max(sampler.samples) == POOL_SIZE


def test_a_pool_smaller_than_the_concurrency_never_times_out(probe_server):
    requests = POOL_SIZE * 3
    statuses = fire(probe_server.base_url, ["/probe/sleep?seconds=0.5"] * requests, requests)
    assert statuses == [200] * requests
    stats = httpx2.get(f"{probe_server.base_url}/probe/pool").json()
    assert stats.get("requests_errors", 0) == 0


def test_hundreds_of_requests_stay_within_the_pool_and_return_every_connection(probe_server):
    paths = ["/v0/books/", "/v0/books/1", "/probe/books-sync", "/v0/authors/1"] * 100
    with probe_server.sampler() as sampler:
        statuses = fire(probe_server.base_url, paths, concurrency=16)
    assert statuses == [200] * len(paths)
    assert sampler.samples, "the sampler took no sample"
    assert max(sampler.samples) <= POOL_SIZE
    stats = httpx2.get(f"{probe_server.base_url}/probe/pool").json()
    assert stats["pool_available"] == stats["pool_size"], f"connections still checked out: {stats}"
    assert stats.get("requests_errors", 0) == 0
    assert probe_server.backends("state = 'idle in transaction'") == 0
