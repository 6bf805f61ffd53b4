"""The app's per-request ORM thread is borrowed, not started (a benchmark-driven change in
app/db.py): concurrent requests still never share a thread, later requests reuse idle ones."""

import asyncio
import threading

from asgiref.sync import sync_to_async

from app.db import DjangoDatabaseMiddleware


def _asgi_app_recording(threads: list[int], release: asyncio.Event):
    async def endpoint(scope, receive, send) -> None:
        threads.append(await sync_to_async(threading.get_ident)())
        await release.wait()  # hold the request open so the others run at the same time
        threads.append(await sync_to_async(threading.get_ident)())

    return endpoint


async def _request(app: DjangoDatabaseMiddleware) -> None:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}

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
    ran the request's queries, and before any work of the next request given that thread."""
    import app.db

    events: list[tuple[str, int]] = []
    monkeypatch.setattr(
        app.db, "_end_request", lambda: events.append(("cleanup", threading.get_ident()))
    )

    async def endpoint(scope, receive, send) -> None:
        events.append(("query", await sync_to_async(threading.get_ident)()))

    middleware = DjangoDatabaseMiddleware(endpoint)

    async def three_requests() -> None:
        for _ in range(3):
            await _request(middleware)

    asyncio.run(three_requests())
    # Wait for the last queued cleanup: the thread runs its work first in, first out.
    middleware.threads.borrow().submit(lambda: None).result(timeout=10)

    thread = events[0][1]
    assert events == [("query", thread), ("cleanup", thread)] * 3
