"""What app/db.py promises: every ORM call made while serving a request runs on that request's
one thread, and every connection it opened is back when the request is over (DESIGN.md
section 3).

Two kinds of tests:

- in-process, on the suite's database (SQLite by default): which thread each piece runs on,
  the thread pool's own rules, what is refused;
- on PostgreSQL through a real uvicorn server with a pool of 4 (``tests/app/probe_app.py``):
  each case counts connections, in psycopg_pool's stats and in ``pg_stat_activity``.

No timing thresholds: concurrency is seen in ``pg_stat_activity``, and where the test waits for
something that happens after a response (the end-of-request cleanup runs after the response is
sent), it polls for the end state with a bound, failing if it never comes.
"""

import asyncio
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Annotated, Any

import httpx2
import pytest
from asgiref.sync import sync_to_async
from django.db import connection, connections
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, WebSocket
from starlette.testclient import TestClient
from websockets.sync.client import connect as websocket_connect

from app.db import DjangoDatabaseMiddleware, DjangoRoute, RequestThreads, database_boundary
from tests.app.lazy_schemas import BookWithAuthor
from tests.postgresql import (
    BackendSampler,
    count_backends,
    postgresql_database,
    small_pool_server_env,
)
from tests.servers import REPOSITORY_ROOT, live_server, manage

POOL_SIZE = 4
APPLICATION_NAME = "probe-server"  # PGAPPNAME of the server: the counts see only its connections


def eventually(read: Callable[[], Any], expected: Any, tries: int = 200) -> Any:
    """``read()`` until it returns ``expected`` (at most ``tries`` times, 50 ms apart); the last
    value read, for the assertion's message."""
    value = read()
    for _ in range(tries):
        if value == expected:
            break
        time.sleep(0.05)
        value = read()
    return value


# === In-process: the request thread pool ======================================================


def _asgi_app_recording(threads: list[int], release: asyncio.Event):
    async def endpoint(scope, receive, send) -> None:
        threads.append(await sync_to_async(threading.get_ident)())
        await release.wait()  # hold the request open so the others run at the same time
        threads.append(await sync_to_async(threading.get_ident)())

    return endpoint


async def _request(app: DjangoDatabaseMiddleware, kind: str = "http") -> None:
    scope = {"type": kind, "method": "GET", "path": "/", "headers": []}

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    async def send(message: dict) -> None:
        pass

    await app(scope, receive, send)


def test_concurrent_requests_get_distinct_threads_and_later_ones_reuse_them() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        first: list[int] = []
        release = asyncio.Event()
        middleware = DjangoDatabaseMiddleware(_asgi_app_recording(first, release))
        running = [asyncio.create_task(_request(middleware)) for _ in range(3)]
        for _ in range(1000):  # bounded: at most 10 s for three requests to start
            if len(first) == 3:
                break
            await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*running)
        later: list[int] = []
        middleware.app = _asgi_app_recording(later, release)
        await _request(middleware)
        return first, later

    first, later = asyncio.run(scenario())
    by_request = first[:3]
    assert len(set(by_request)) == 3, "concurrent requests shared an ORM thread"
    assert set(first[3:]) == set(by_request), "a request's calls moved to another thread"
    assert later[0] == later[1] and later[0] in by_request, "an idle thread was not reused"


def test_the_cleanup_runs_on_the_requests_thread_before_the_next_request_there(
    monkeypatch,
) -> None:
    """The end-of-request cleanup is queued, not awaited: it must still run on the thread that
    ran the request's queries, and before any work of the next request given that thread.
    Websocket sessions get the same boundary as HTTP requests."""
    import app.db

    events: list[tuple[str, int]] = []
    monkeypatch.setattr(
        app.db, "_end_request", lambda: events.append(("cleanup", threading.get_ident()))
    )

    async def endpoint(scope, receive, send) -> None:
        events.append(("query", await sync_to_async(threading.get_ident)()))

    middleware = DjangoDatabaseMiddleware(endpoint)

    async def three_sessions() -> None:
        for kind in ["http", "websocket", "http"]:
            await _request(middleware, kind)

    asyncio.run(three_sessions())
    # Wait for the last queued cleanup: the thread runs its work first in, first out.
    middleware.threads.borrow().submit(lambda: None).result(timeout=10)

    thread = events[0][1]
    assert events == [("query", thread), ("cleanup", thread)] * 3


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_threads_left_idle_by_a_spike_are_ended_after_idle_seconds() -> None:
    clock = FakeClock()
    threads = RequestThreads(idle_seconds=30, clock=clock)
    spike = [threads.borrow() for _ in range(8)]
    for executor in spike:
        executor.submit(lambda: None).result(timeout=10)  # each one's thread has started
        threads.give_back(executor)
    assert threads.idle_count() == 8
    clock.now += 10
    steady = threads.borrow()  # the steady load keeps using the thread returned last
    threads.give_back(steady)
    assert threads.trim() == 8, "threads idle for less than idle_seconds were ended"
    clock.now += 25  # the spike's other 7 are now idle 35 s, the steady one 25 s
    assert threads.trim() == 1
    assert threads.borrow() is steady
    for executor in spike:
        if executor is not steady:
            with pytest.raises(RuntimeError, match="after shutdown"):  # its thread was ended
                executor.submit(lambda: None)


def test_the_middleware_trims_idle_threads_even_when_no_request_follows() -> None:
    """After a spike and then silence, the idle threads end: the trim is on a timer."""

    async def endpoint(scope, receive, send) -> None:
        await sync_to_async(threading.get_ident)()

    async def spike_then_silence() -> tuple[int, int]:
        middleware = DjangoDatabaseMiddleware(endpoint, threads=RequestThreads(idle_seconds=0.05))
        await asyncio.gather(*[_request(middleware) for _ in range(6)])
        after_spike = middleware.threads.idle_count()
        for _ in range(200):  # bounded: 10 s
            if middleware.threads.idle_count() == 0:
                break
            await asyncio.sleep(0.05)
        return after_spike, middleware.threads.idle_count()

    after_spike, after_silence = asyncio.run(spike_then_silence())
    assert after_spike == 6
    assert after_silence == 0


# === In-process: every def piece runs on the request's thread (any database) =================

ran_on: dict[str, str] = {}


def _note(label: str) -> None:
    ran_on[label] = threading.current_thread().name


def count_books() -> int:
    from app.books.models import Book

    _note("dependency")
    return Book.objects.count()


def count_books_again(count: Annotated[int, Depends(count_books)]) -> int:
    _note("nested dependency")
    return count


class Pagination:
    """A class as a dependency: FastAPI calls it like a ``def``."""

    def __init__(self, limit: int = 10) -> None:
        _note("class dependency")
        self.limit = limit


def session_like():
    _note("yield setup")
    yield "session"
    _note("yield teardown")


def _boundary_app() -> FastAPI:
    from app.books.models import Book

    router = APIRouter(route_class=DjangoRoute)

    @router.get("/everything")
    def everything(
        count: Annotated[int, Depends(count_books_again)],
        page: Annotated[Pagination, Depends()],
        session: Annotated[str, Depends(session_like)],
        tasks: BackgroundTasks,
    ) -> dict[str, int]:
        _note("endpoint")
        tasks.add_task(_note, "background task")
        return {"books": count, "limit": page.limit}

    @router.get("/book", response_model=BookWithAuthor)
    def book():
        return Book.objects.order_by("id").first()

    app = FastAPI()
    app.include_router(router)

    @app.websocket("/ws")
    async def websocket(socket: WebSocket, count: Annotated[int, Depends(count_books)]) -> None:
        await socket.accept()
        await sync_to_async(_note)("websocket")
        await socket.send_json({"books": count})
        await socket.close()

    app.add_middleware(DjangoDatabaseMiddleware)
    return app


@pytest.fixture
def boundary_client(seeded) -> Iterator[TestClient]:
    ran_on.clear()
    with TestClient(_boundary_app()) as client:
        yield client


def test_def_dependencies_endpoint_and_background_tasks_run_on_the_requests_thread(
    boundary_client,
) -> None:
    assert boundary_client.get("/everything").json() == {"books": 3, "limit": 10}
    assert set(ran_on) == {
        "dependency",
        "nested dependency",
        "class dependency",
        "yield setup",
        "endpoint",
        "yield teardown",
        "background task",
    }
    threads = set(ran_on.values())
    assert len(threads) == 1, f"pieces of one request ran on several threads: {ran_on}"
    assert threads.pop().startswith("django-request")


def test_a_websocket_session_and_its_def_dependency_run_on_the_sessions_thread(
    boundary_client,
) -> None:
    with boundary_client.websocket_connect("/ws") as socket:
        assert socket.receive_json() == {"books": 3}
    assert set(ran_on) == {"dependency", "websocket"}
    assert ran_on["dependency"] == ran_on["websocket"]
    assert ran_on["websocket"].startswith("django-request")


def test_a_def_endpoints_response_model_may_read_a_lazy_relation(boundary_client) -> None:
    response = boundary_client.get("/book")
    assert response.status_code == 200
    assert response.json() == {"title": "Siddhartha", "author": {"name": "Hermann Hesse"}}


def test_dependency_overrides_work_as_fastapi_documents_and_run_on_the_requests_thread(
    seeded,
) -> None:
    app = _boundary_app()

    def fewer_books() -> int:
        _note("override")
        return 1

    async def no_books() -> int:
        return 0

    with TestClient(app) as client:
        app.dependency_overrides[count_books] = fewer_books
        ran_on.clear()
        assert client.get("/everything").json()["books"] == 1
        assert "dependency" not in ran_on
        assert ran_on["override"] == ran_on["endpoint"]
        assert app.dependency_overrides == {count_books: fewer_books}
        app.dependency_overrides = {count_books: no_books}  # replaced, as the docs allow
        assert client.get("/everything").json()["books"] == 0
        app.dependency_overrides.clear()
        assert client.get("/everything").json()["books"] == 3


def test_a_def_dependency_given_to_the_whole_app_runs_on_the_requests_thread(db) -> None:
    router = APIRouter(route_class=DjangoRoute)

    @router.get("/ping")
    async def ping() -> dict[str, str]:
        return {"ping": await sync_to_async(lambda: threading.current_thread().name)()}

    app = FastAPI(dependencies=[Depends(count_books)])
    app.include_router(router)
    app.add_middleware(DjangoDatabaseMiddleware)
    ran_on.clear()
    with TestClient(app) as client:
        endpoint_thread = client.get("/ping").json()["ping"]
    assert ran_on == {"dependency": endpoint_thread}


def test_a_def_generator_endpoint_is_refused_where_it_is_declared() -> None:
    router = APIRouter(route_class=DjangoRoute)

    def stream_titles():
        yield "title"

    with pytest.raises(TypeError, match=r"stream_titles is a def generator endpoint.*async def"):
        router.get("/titles")(stream_titles)


def test_database_boundary_on_a_def_closes_the_calling_threads_connection(db) -> None:
    """What a job runner's worker thread needs around each job (Celery's Django integration
    does it; RQ, Dramatiq or a plain ThreadPoolExecutor do not)."""
    from app.books.models import Book

    def job() -> bool:
        Book.objects.count()
        return connection.connection is not None  # open while the job runs

    def leftover_after(function: Callable[[], bool]) -> tuple[bool, bool]:
        was_open = function()
        return was_open, connection.connection is not None

    with ThreadPoolExecutor(max_workers=1) as worker:
        assert worker.submit(leftover_after, job).result() == (True, True)
        assert worker.submit(connections.close_all).result() is None
        assert worker.submit(leftover_after, database_boundary(job)).result() == (True, False)


# === In-process: connections reused (moved from tests/app/test_connection_reuse.py) ============

REQUESTS = 30


def connections_opened() -> int:
    """How many connections the pool has opened so far (reused ones not counted)."""
    pool = connections["default"].pool
    assert pool is not None, "the app's database settings must configure a pool"
    if connections["default"].vendor == "postgresql":
        return pool.get_stats()["connections_num"]
    return pool.stats["opened"]


def test_one_request_after_another_reuses_one_pooled_connection(client, seeded):
    assert client.get("/v0/books/").status_code == 200  # the pool's first connection, if any
    opened_before = connections_opened()
    statuses = [client.get("/v0/books/").status_code for _ in range(REQUESTS)]
    assert statuses == [200] * REQUESTS
    assert connections_opened() == opened_before


# === PostgreSQL, through a real server ==========================================================


@dataclass
class ProbeServer:
    base_url: str
    database_url: str
    database: str
    pool_path: str = "/probe/pool"
    application_name: str = APPLICATION_NAME

    def backends(self, where: str = "TRUE") -> int:
        """How many of the server's connections to its database match ``where`` right now."""
        return count_backends(self.database_url, self.database, self.application_name, where)

    def sampler(self, where: str = "TRUE") -> BackendSampler:
        return BackendSampler(self.database_url, self.database, self.application_name, where)

    def pool(self) -> dict[str, int]:
        """psycopg_pool's counters, read from the server."""
        return httpx2.get(f"{self.base_url}{self.pool_path}").json()

    def settled_pool(self) -> dict[str, int]:
        """The pool's stats once every connection is back (or, if one never comes back, the
        last stats read, for the assertion's message)."""
        stats = self.pool()
        for _ in range(200):
            if stats["pool_available"] == stats["pool_size"]:
                break
            time.sleep(0.05)
            stats = self.pool()
        return stats

    def ws_url(self, path: str) -> str:
        return self.base_url.replace("http://", "ws://") + path


@pytest.fixture(scope="module")
def postgresql_seeded(postgresql_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    with postgresql_database(postgresql_url, prefix="probe") as url:
        env = small_pool_server_env(url, POOL_SIZE, APPLICATION_NAME)
        manage("seed", env=env)
        yield url, env


@pytest.fixture(scope="module")
def probe_server(postgresql_seeded) -> Iterator[ProbeServer]:
    url, env = postgresql_seeded
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


def websocket_session(url: str, messages: int = 2) -> list[int]:
    """Open a session, read the first answer, ask ``messages`` times; the book counts read."""
    with websocket_connect(url, open_timeout=30) as socket:
        counts = [json.loads(socket.recv(timeout=30))["books"]]
        for _ in range(messages):
            socket.send("count")
            counts.append(json.loads(socket.recv(timeout=30))["books"])
    return counts


def assert_every_connection_back(server: ProbeServer) -> None:
    stats = server.settled_pool()
    print(f"\n  pool after the load: {stats} | server backends: {server.backends()}")
    assert stats["pool_available"] == stats["pool_size"], f"connections not returned: {stats}"
    assert stats.get("requests_errors", 0) == 0, f"requests timed out in the pool: {stats}"
    assert server.backends() <= POOL_SIZE
    assert server.backends("state = 'idle in transaction'") == 0


@pytest.mark.postgresql
def test_slow_queries_of_concurrent_async_requests_run_at_the_same_time(probe_server):
    sleeping = "state = 'active' AND query LIKE 'SELECT pg_sleep%%'"
    with probe_server.sampler(where=sleeping) as sampler:
        statuses = fire(probe_server.base_url, ["/probe/sleep?seconds=1.5"] * POOL_SIZE, POOL_SIZE)
    assert statuses == [200] * POOL_SIZE
    # Without a ThreadSensitiveContext per request they would queue on one thread: max 1.
    assert max(sampler.samples) == POOL_SIZE


@pytest.mark.postgresql
def test_a_pool_smaller_than_the_concurrency_never_times_out(probe_server):
    requests = POOL_SIZE * 3
    statuses = fire(probe_server.base_url, ["/probe/sleep?seconds=0.5"] * requests, requests)
    assert statuses == [200] * requests
    assert probe_server.pool().get("requests_errors", 0) == 0


@pytest.mark.postgresql
def test_hundreds_of_requests_stay_within_the_pool_and_return_every_connection(probe_server):
    paths = ["/v0/books/", "/v0/books/1", "/probe/books-sync", "/v0/authors/1"] * 100
    with probe_server.sampler() as sampler:
        statuses = fire(probe_server.base_url, paths, concurrency=16)
    assert statuses == [200] * len(paths)
    assert sampler.samples, "the sampler took no sample"
    assert max(sampler.samples) <= POOL_SIZE
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_def_dependencies_at_any_depth_and_with_yield_return_every_connection(probe_server):
    paths = ["/probe/def-dependency", "/probe/yield-dependency"] * 32
    statuses = fire(probe_server.base_url, paths, concurrency=16)
    assert statuses == [200] * len(paths)
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_a_def_endpoint_whose_response_reads_a_lazy_relation_answers_200(probe_server):
    response = httpx2.get(f"{probe_server.base_url}/probe/book-with-author")
    assert response.status_code == 200, response.text
    assert response.json()["author"] == {"name": "Hermann Hesse"}
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_websocket_sessions_return_their_connections(probe_server):
    url = probe_server.ws_url("/probe/ws")
    with ThreadPoolExecutor(max_workers=8) as pool:
        sessions = list(pool.map(lambda _: websocket_session(url), range(16)))
    assert sessions == [[3, 3, 3]] * 16
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_def_background_tasks_return_their_connections(probe_server):
    statuses = fire(probe_server.base_url, ["/probe/background"] * 32, concurrency=16)
    assert statuses == [200] * 32
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_a_task_spawned_with_its_own_boundary_returns_its_connection(probe_server):
    before = httpx2.get(f"{probe_server.base_url}/probe/jobs-done").json()["done"]
    paths = [f"/probe/spawn?number={number}" for number in range(16)]
    assert fire(probe_server.base_url, paths, concurrency=16) == [200] * 16
    done = eventually(
        lambda: httpx2.get(f"{probe_server.base_url}/probe/jobs-done").json()["done"],
        before + 16,
    )
    assert done == before + 16, "a spawned job failed (see the server's log)"
    assert_every_connection_back(probe_server)


@pytest.mark.postgresql
def test_no_query_ever_ran_on_an_anyio_worker_thread(probe_server):
    """So AnyIO retiring an idle worker thread cannot take a pool slot with it: none of its
    threads ever held a connection. Runs after the tests above (same server)."""
    fire(probe_server.base_url, ["/probe/books-sync", "/probe/def-dependency"] * 8, 16)
    threads = httpx2.get(f"{probe_server.base_url}/probe/query-threads").json()
    assert threads, "no query was recorded"
    outside = [name for name in threads if not name.startswith(("django-request", "django-job"))]
    assert outside == [], f"queries ran outside a request's or a job's thread: {threads}"


@pytest.mark.postgresql
def test_an_app_built_from_the_two_pieces_returns_every_connection_under_16_way_concurrency(
    postgresql_seeded,
):
    """``FastAPI()`` + ``DjangoDatabaseMiddleware`` + ``APIRouter(route_class=DjangoRoute)``
    only: a ``def`` dependency, a ``def`` endpoint whose response reads a lazy relation, and a
    websocket with a ``def`` dependency, all at once, 16 at a time."""
    url, _ = postgresql_seeded
    env = small_pool_server_env(url, POOL_SIZE, "small-app")  # counted apart from the probes
    with live_server(env, app="tests.app.probe_app:small_app") as server:
        small = ProbeServer(
            server.base_url, url, url.rsplit("/", 1)[1], "/pool", application_name="small-app"
        )
        ws_url = small.ws_url("/ws")

        def one(job: int) -> Any:
            if job % 4 == 0:
                return websocket_session(ws_url, messages=1)
            return httpx2.get(f"{server.base_url}/book", timeout=60).status_code

        with small.sampler() as sampler, ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(one, range(128)))
        assert results == [[3, 3] if job % 4 == 0 else 200 for job in range(128)]
        assert max(sampler.samples) <= POOL_SIZE
        assert_every_connection_back(small)


CHILD = """
import json, sys
from starlette.testclient import TestClient
from app.main import create_app

def checkpoint(name, **data):
    print(json.dumps({"at": name, **data}), flush=True)
    sys.stdin.readline()

first, other = create_app(), create_app()
with TestClient(other) as other_client:
    other_client.get("/v0/books/")
    with TestClient(first) as client:
        statuses = [client.get("/v0/books/").status_code for _ in range(8)]
        checkpoint("serving", statuses=statuses)
    checkpoint("first app left its lifespan")
    checkpoint("other app served again", status=other_client.get("/v0/books/").status_code)
checkpoint("every app left its lifespan")
"""


@pytest.mark.postgresql
def test_leaving_the_lifespan_closes_the_pool_and_another_app_keeps_working(postgresql_seeded):
    url, _ = postgresql_seeded
    database = url.rsplit("/", 1)[1]
    env = small_pool_server_env(url, POOL_SIZE, "lifespan-child")

    def backends() -> int:
        return count_backends(url, database, "lifespan-child")

    seen: dict[str, Any] = {}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=REPOSITORY_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            for line in child.stdout:
                point = json.loads(line)
                at = point.pop("at")
                # The ends of lifespans are read once the count settles (a closed connection
                # leaves pg_stat_activity when its server process has exited).
                live = eventually(backends, 0) if "left" in at else backends()
                seen[at] = (live, point)
                child.stdin.write("\n")
                child.stdin.flush()
            assert child.wait(timeout=60) == 0, child.stderr.read()
        finally:
            if child.poll() is None:
                child.kill()
    assert seen["serving"][1] == {"statuses": [200] * 8}
    assert seen["serving"][0] >= 1
    kept = seen["first app left its lifespan"][0]
    assert kept == 0, f"the pool kept {kept} server connections after the lifespan ended"
    assert seen["other app served again"][1] == {"status": 200}
    assert seen["other app served again"][0] >= 1, "the other app's query opened no connection"
    assert seen["every app left its lifespan"][0] == 0
