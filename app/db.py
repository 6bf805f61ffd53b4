"""Database lifetime per request: what Django's ASGI handler does and FastAPI does not.

Django's own ``ASGIHandler`` gives every request two things that nothing gives it under FastAPI:

1. **Its own thread for the ORM.** The async ORM (``aget``, ``acreate``, ``async for``) runs each
   query through ``sync_to_async(thread_sensitive=True)``. Outside a ``ThreadSensitiveContext``
   all of those calls, from every request, queue on ONE process-wide thread: eight concurrent
   0.5 s queries take 4 s. Inside one, each request gets a thread of its own.
2. **Its connections cleaned up at the end.** Django connections belong to the thread that
   opened them, and ``close_old_connections()`` only sees the calling thread's. Django runs it
   on the ``request_started``/``request_finished`` signals, in the request's thread; FastAPI
   sends neither, so connections stay open forever (or, with a pool, stay checked out of it).

:class:`DjangoDatabaseMiddleware` does both for every HTTP request. :class:`DjangoRoute` makes
plain ``def`` endpoints run on that same per-request thread (as Django runs sync views under
ASGI) instead of AnyIO's worker pool, where each worker thread would keep its own connection.

Unlike Django's handler, the middleware does not *start* a thread per request: it borrows an
idle one from :class:`RequestThreads` and gives it back afterwards. Starting and joining a
thread cost more than the whole ORM query of a typical request (see bench/README.md).
"""

import functools
import inspect
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections, reset_queries
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)


def _end_request() -> None:
    """What Django's ``request_finished`` *and* ``request_started`` signals do, in one call.

    ``close_old_connections()``: with ``CONN_MAX_AGE=0`` it closes the thread's connections,
    which hands a pooled connection back to the pool. ``reset_queries()``: empty the DEBUG
    query log. Django runs both again when the next request starts; here nothing can be left
    to do by then (this thread's connections were all closed at the end of its previous
    request), so that start-of-request call is skipped.
    """
    close_old_connections()
    reset_queries()


def _log_cleanup_failure(cleanup: Future[None]) -> None:
    if not cleanup.cancelled() and (error := cleanup.exception()) is not None:
        logger.error("closing the request's database connections failed", exc_info=error)


class RequestThreads:
    """One-thread executors for requests: each request borrows one for its whole life, so all
    its ORM calls run on one thread that no other request uses meanwhile. Returned executors
    are kept (up to ``keep_idle``) for later requests instead of starting a thread each time."""

    def __init__(self, keep_idle: int = 64) -> None:
        self.keep_idle = keep_idle
        self._idle: list[ThreadPoolExecutor] = []

    def borrow(self) -> ThreadPoolExecutor:
        # pop() and append() are atomic, so this holds even if one app serves two event loops
        # in two threads (a notebook's kernel and a uvicorn thread): no check-then-pop race.
        try:
            return self._idle.pop()
        except IndexError:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        if len(self._idle) < self.keep_idle:
            self._idle.append(executor)
        else:
            executor.shutdown(wait=False)  # its thread ends once its queued work is done


class DjangoDatabaseMiddleware:
    """Pure ASGI middleware: one ``ThreadSensitiveContext`` (one thread) per HTTP request,
    connections of the request's thread closed when the response is finished (even if the
    endpoint raised)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.threads = RequestThreads()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        executor = self.threads.borrow()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        finally:
            # Queued on the thread that ran this request's queries, and not awaited: the
            # response is already sent, and the thread runs the cleanup before any work of the
            # next request that borrows it (one thread, first in first out). Awaiting it would
            # only wake the event loop once more per request, about 10% of a request's CPU on
            # PostgreSQL (bench/README.md).
            executor.submit(_end_request).add_done_callback(_log_cleanup_failure)
            self.threads.give_back(executor)


def run_in_request_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a sync endpoint so it runs on the request's ORM thread (see module docstring).

    ``functools.wraps`` keeps the signature visible to FastAPI, so parameters and dependencies
    are resolved exactly as for the original function.
    """

    @functools.wraps(endpoint)
    async def call_in_request_thread(*args: Any, **kwargs: Any) -> Any:
        return await sync_to_async(endpoint, thread_sensitive=True)(*args, **kwargs)

    return call_in_request_thread


class DjangoRoute(APIRoute):
    """``APIRouter(route_class=DjangoRoute)``: sync endpoints run where their connections are
    cleaned up. Async endpoints are left exactly as they are."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = run_in_request_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)
