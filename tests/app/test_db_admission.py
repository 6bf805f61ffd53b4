"""app/db.py's RequestAdmission: requests take turns in arrival order, a limit at a time, and a
request that waited ``patience`` goes in anyway, so blocked work still overlaps.

No timing thresholds: order and overlap are seen directly (who is in, a barrier every blocked
request must reach together). Waits are bounded so that a bug fails instead of hanging.
"""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async

from app.db import DjangoDatabaseMiddleware, RequestAdmission

NEVER = 3600.0  # patience that never runs out within a test
BOUND = 10.0  # seconds a test waits for something that must happen


async def _until(condition, what: str) -> None:
    for _ in range(int(BOUND / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


def test_at_most_limit_requests_are_in_and_the_rest_go_in_in_arrival_order() -> None:
    async def scenario() -> tuple[list[int], int]:
        admission = RequestAdmission(limit=2, patience=NEVER)
        inside: set[int] = set()
        order: list[int] = []
        most = 0
        leave = {number: asyncio.Event() for number in range(6)}

        async def request(number: int) -> None:
            nonlocal most
            async with admission.turn():
                order.append(number)
                inside.add(number)
                most = max(most, len(inside))
                await leave[number].wait()
                inside.discard(number)

        tasks = []
        for number in range(6):  # arrive one after another
            tasks.append(asyncio.create_task(request(number)))
            await asyncio.sleep(0)
        await _until(lambda: admission.waiting_count() == 4, "four requests waiting")
        assert order == [0, 1]
        for number in (1, 0, 2, 3, 4, 5):  # leave in another order than they arrived
            leave[number].set()
            await asyncio.sleep(0)
        await asyncio.wait_for(asyncio.gather(*tasks), BOUND)
        assert admission.admitted == 0 and admission.waiting_count() == 0
        return order, most

    order, most = asyncio.run(scenario())
    assert order == [0, 1, 2, 3, 4, 5]
    assert most == 2


def test_a_request_out_of_patience_goes_in_over_the_limit() -> None:
    async def scenario() -> int:
        admission = RequestAdmission(limit=1, patience=0.01)
        holder_leaves = asyncio.Event()

        async def holder() -> None:
            async with admission.turn():
                await holder_leaves.wait()

        async def latecomer() -> int:
            async with admission.turn():
                return admission.admitted

        held = asyncio.create_task(holder())
        await _until(lambda: admission.admitted == 1, "the first request in")
        in_together = await asyncio.wait_for(latecomer(), BOUND)  # while the holder holds
        holder_leaves.set()
        await held
        assert admission.admitted == 0
        return in_together

    assert asyncio.run(scenario()) == 2


def test_a_request_cancelled_while_waiting_takes_no_turn_with_it() -> None:
    async def scenario() -> None:
        admission = RequestAdmission(limit=1, patience=NEVER)
        holder_leaves = asyncio.Event()

        async def holder() -> None:
            async with admission.turn():
                await holder_leaves.wait()

        held = asyncio.create_task(holder())
        await _until(lambda: admission.admitted == 1, "the first request in")
        gone = asyncio.create_task(holder())
        await _until(lambda: admission.waiting_count() == 1, "a second request waiting")
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        assert admission.waiting_count() == 0
        holder_leaves.set()
        await held
        assert admission.admitted == 0
        async with admission.turn():  # the next one goes straight in
            assert admission.admitted == 1

    asyncio.run(scenario())


def test_blocked_requests_behind_a_limit_of_one_still_run_at_the_same_time() -> None:
    """Four requests block in their threads (as in a slow query) until all four are blocked
    together: with a limit of one and no patience they would wait for each other for ever."""
    requests = 4
    together = threading.Barrier(requests, timeout=BOUND)
    threads: list[int] = []

    async def endpoint(scope, receive, send) -> None:
        def slow_query() -> None:
            threads.append(threading.get_ident())
            together.wait()

        await sync_to_async(slow_query)()

    middleware = DjangoDatabaseMiddleware(
        endpoint, admission=RequestAdmission(limit=1, patience=0.01)
    )

    async def request() -> None:
        async def receive() -> dict:
            return {"type": "http.request", "body": b""}

        async def send(message: dict) -> None:
            pass

        scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
        await middleware(scope, receive, send)

    async def scenario() -> None:
        await asyncio.wait_for(asyncio.gather(*(request() for _ in range(requests))), BOUND)

    asyncio.run(scenario())
    assert len(set(threads)) == requests  # one thread per request, as without admission
    assert middleware.admission is not None and middleware.admission.admitted == 0


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RequestAdmission(limit=0)
