"""The request boundary: what Django's ASGI handler gives a view, given to a FastAPI request.

Django's own ``ASGIHandler`` gives every request two things that nothing gives it under FastAPI:

1. **Its own thread for the ORM.** The async ORM (``aget``, ``acreate``, ``async for``) runs each
   query through ``sync_to_async(thread_sensitive=True)``. Outside a ``ThreadSensitiveContext``
   all of those calls, from every request, queue on ONE process-wide thread. Inside one, each
   request gets a thread of its own.
2. **Its connections cleaned up at the end.** Django connections belong to the thread that
   opened them, and ``close_old_connections()`` only sees the calling thread's. Django runs it
   on the ``request_started``/``request_finished`` signals, in the request's thread; FastAPI
   sends neither, so connections stay open forever (or, with a pool, stay checked out of it).

The rule this module keeps (DESIGN.md section 3): **every ORM call made while serving a request
runs on that request's one thread, and every connection it opened is back when the request is
over.** The pieces:

- :class:`DjangoDatabaseMiddleware` (pure ASGI): one thread and one cleanup per HTTP request
  *and* per websocket session; on the lifespan scope, the start check and closing the pools
  (:mod:`app.startup`). It also moves every plain ``def`` dependency (any depth, ``yield``
  dependencies and their teardown, overrides a test installs) onto the request's thread: see
  :class:`DependenciesOnRequestThread`.
- :class:`DjangoRoute` (``APIRouter(route_class=DjangoRoute)``): ``def`` endpoints run on the
  request's thread and their response is validated there (a lazy relation read by the response
  model works as on plain FastAPI); ``BackgroundTasks`` written as ``def`` run there too.
- :func:`database_boundary`: a boundary of its own for work that outlives a request (a task the
  request spawns, a function a job runner calls).
- :class:`RequestAdmission` (optional, ``DjangoDatabaseMiddleware(app, admission=...)``): lets a
  few requests at a time onto their threads, first come first served, so the rest wait their
  turn instead of all taking turns at the GIL.

FastAPI would otherwise run ``def`` endpoints, ``def`` dependencies and ``def`` background tasks
on AnyIO's worker threads, each of which keeps the connection it opened for ever (and when AnyIO
retires an idle worker, the server connection goes but the pool slot is never returned).

What cannot fit is refused where it is declared: a ``def`` generator endpoint under
``DjangoRoute`` raises at route creation. What stays outside, and lesson 07 says so: a ``def``
endpoint on a plain ``APIRouter`` (give it ``route_class=DjangoRoute``), and a ``def`` dependency
given only to ``include_router(..., dependencies=...)``, which no route records (put it on the
router or the app, or make it ``async def``).

Unlike Django's handler, the middleware does not *start* a thread per request: it borrows an
idle one from :class:`RequestThreads` and gives it back afterwards; starting a thread costs about
as much as one ORM ``get`` (bench/README.md). Idle threads left over from a spike are ended
after ``idle_seconds``.
"""

import asyncio
import collections
import contextlib
import contextvars
import functools
import inspect
import logging
import threading
import time
import weakref
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.db import close_old_connections, reset_queries
from fastapi import BackgroundTasks
from fastapi.dependencies.utils import get_dependant, get_typed_signature
from fastapi.routing import APIRoute
from starlette.background import BackgroundTask
from starlette.background import BackgroundTasks as StarletteBackgroundTasks
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app import startup

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
    are kept (up to ``keep_idle``) for later requests instead of starting a thread each time;
    one left idle for ``idle_seconds`` is ended by :meth:`trim`, so a spike of traffic does not
    leave its threads behind for ever.

    Idle executors form a stack: a request takes the one returned last, so under a steady load
    the same few threads serve and the ones a spike added sink to the bottom and age out.
    """

    def __init__(
        self,
        keep_idle: int = 64,
        idle_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep_idle = keep_idle
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._idle: list[tuple[ThreadPoolExecutor, float]] = []  # (executor, idle since)
        # One app may serve two event loops in two threads (a notebook's kernel and a uvicorn
        # thread): the stack is shared.
        self._lock = threading.Lock()

    def borrow(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._idle:
                return self._idle.pop()[0]
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-request")

    def give_back(self, executor: ThreadPoolExecutor) -> None:
        now = self._clock()
        with self._lock:
            kept = len(self._idle) < self.keep_idle
            if kept:
                self._idle.append((executor, now))
            expired = self._take_idle_since(now - self.idle_seconds)
        if not kept:
            expired.append(executor)
        for surplus in expired:
            surplus.shutdown(wait=False)  # its thread ends once its queued cleanup is done

    def trim(self) -> int:
        """End the threads idle for ``idle_seconds`` or more; return how many are left idle."""
        with self._lock:
            expired = self._take_idle_since(self._clock() - self.idle_seconds)
            left = len(self._idle)
        for executor in expired:
            executor.shutdown(wait=False)
        return left

    def close(self) -> None:
        """End every idle thread, after its queued work (at shutdown)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for executor, _ in idle:
            executor.shutdown(wait=True)

    def idle_count(self) -> int:
        return len(self._idle)

    def _take_idle_since(self, cutoff: float) -> list[ThreadPoolExecutor]:
        """Remove and return the executors returned at ``cutoff`` or before (the bottom of the
        stack: it is ordered by the time each was returned)."""
        count = 0
        while count < len(self._idle) and self._idle[count][1] <= cutoff:
            count += 1
        expired = [executor for executor, _ in self._idle[:count]]
        del self._idle[:count]
        return expired


class RequestAdmission:
    """First come, first served: at most ``limit`` requests at a time run on their threads;
    the others wait on the event loop, in the order they arrived.

    Without it, every request in flight has a thread that wants the GIL, and which of them gets
    it next is up to the operating system: a request can lose many turns in a row to newer
    ones, which can show as a long tail of slow answers (bench/README.md, "Tail latency").
    Waiting in line costs a waiter nothing (a future on the event loop) and serves requests in
    order. Off unless given to the middleware: measure it on your own load first.

    A limit alone would starve waiting work: requests held up by a slow query or another
    service keep their places while doing nothing. So a request that has waited ``patience``
    seconds goes in anyway, over the limit: slow queries still run side by side (a little
    later), while quick CPU work, which takes turns well within ``patience``, keeps its order.
    Each request keeps its one thread and does all its ORM work there, as without admission.
    """

    def __init__(self, limit: int = 4, patience: float = 0.05) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.patience = patience
        self.admitted = 0  # requests in, including those let in by patience
        self._waiting: collections.deque[asyncio.Future[None]] = collections.deque()
        # One app may serve two event loops in two threads (see RequestThreads).
        self._lock = threading.Lock()

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """``async with admission.turn():`` waits for this request's turn, then holds it."""
        await self._enter()
        try:
            yield
        finally:
            self._leave()

    def waiting_count(self) -> int:
        return len(self._waiting)

    async def _enter(self) -> None:
        with self._lock:
            if self.admitted < self.limit and not self._waiting:
                self.admitted += 1
                return
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
        try:
            await asyncio.wait({turn}, timeout=self.patience)
        except BaseException:  # cancelled while waiting: give back a turn it was given
            with self._lock:
                given = turn not in self._waiting
                if not given:
                    self._waiting.remove(turn)
            if given:
                self._leave()
            raise
        with self._lock:
            if turn in self._waiting:  # out of patience: in, over the limit
                self._waiting.remove(turn)
                self.admitted += 1

    def _leave(self) -> None:
        with self._lock:
            self.admitted -= 1
            while self.admitted < self.limit and self._waiting:
                turn = self._waiting.popleft()
                self.admitted += 1
                turn.get_loop().call_soon_threadsafe(_give_turn, turn)


def _give_turn(turn: asyncio.Future[None]) -> None:
    if not turn.done():
        turn.set_result(None)


# --- def dependencies: on the request's thread ---------------------------------------------

# The scope of the request (or websocket session) being served in this context, set by the
# middleware: which route it reached tells whether its dependencies need moving.
_serving: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("serving", default=None)


def _is_async_callable(call: Any) -> bool:
    """What FastAPI awaits on the event loop rather than sends to AnyIO's threads."""
    for candidate in (call, inspect.unwrap(call), getattr(call, "__call__", None)):  # noqa: B004
        if inspect.iscoroutinefunction(candidate) or inspect.isasyncgenfunction(candidate):
            return True
    return False


_moved: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def in_thread(function: Callable[_P, _R]) -> Callable[_P, Coroutine[Any, Any, _R]]:
    """``function`` as a coroutine function run on the request's thread (thread-sensitive)."""
    return sync_to_async(function, thread_sensitive=True)


def on_request_thread(call: Any) -> Any:
    """``call`` as FastAPI should run it: async callables unchanged; a ``def`` (or a class) as
    an ``async def`` that runs it on the request's thread; a ``def`` generator as an async
    generator whose setup and teardown both run there.

    The wrapper keeps ``call``'s signature (``__wrapped__``), so FastAPI resolves its parameters
    and sub-dependencies exactly as for ``call``. Wrappers are reused, one per callable.
    """
    if _is_async_callable(call):
        return call
    try:
        return _moved[call]
    except (KeyError, TypeError):  # not made yet, or a callable that takes no weak reference
        pass
    if inspect.isgeneratorfunction(call):

        @functools.wraps(call, updated=())
        async def moved(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            manager = contextlib.contextmanager(call)(*args, **kwargs)
            value = await in_thread(manager.__enter__)()
            try:
                yield value
            except BaseException as error:
                if not await in_thread(manager.__exit__)(type(error), error, error.__traceback__):
                    raise
            else:
                await in_thread(manager.__exit__)(None, None, None)

    else:

        @functools.wraps(call, updated=())
        async def moved(*args: Any, **kwargs: Any) -> Any:
            return await in_thread(call)(*args, **kwargs)

    with contextlib.suppress(TypeError):
        _moved[call] = moved
    return moved


_DEF_DEPENDENCY_FLAG = "_django_has_def_dependency"


def _has_def_dependency(owner: Any) -> bool:
    """Does ``owner`` depend on a ``def`` anywhere? ``owner`` is a route (``APIRoute``,
    ``APIWebSocketRoute``), or an app, for what was given to ``FastAPI(dependencies=...)``.
    Worked out once and kept on the object (routes are not hashable)."""
    found = getattr(owner, _DEF_DEPENDENCY_FLAG, None)
    if found is not None:
        return found
    if hasattr(owner, "dependant"):
        pending = list(owner.dependant.dependencies)
    else:
        app_level = getattr(getattr(owner, "router", None), "dependencies", [])
        pending = [
            get_dependant(path="", call=depends.dependency)
            for depends in app_level
            if depends.dependency is not None
        ]
    found = False
    while pending and not found:
        dependant = pending.pop()
        found = dependant.call is not None and not _is_async_callable(dependant.call)
        pending += dependant.dependencies
    if owner is not None:
        setattr(owner, _DEF_DEPENDENCY_FLAG, found)
    return found


class DependenciesOnRequestThread(dict[Any, Any]):
    """``app.dependency_overrides``, still a dict of overrides, that also moves ``def``
    dependencies onto the request's thread.

    FastAPI asks an app's ``dependency_overrides`` for every dependency it resolves, when the
    dict is not empty: ``overrides.get(dependency, dependency)``, and it runs whatever it gets
    (an override, or the dependency itself). It is the one place, without touching FastAPI's
    internals, where every dependency of every route passes, at any depth, before it runs. So
    the middleware puts this dict in place of the app's (same items), and this dict answers
    with :func:`on_request_thread` of what a plain dict would answer. Setting, deleting,
    clearing or replacing overrides works as FastAPI documents; a replaced dict is wrapped
    again on the next request. (A reference to the app's dict taken before its first request
    or lifespan is to the old dict: read ``app.dependency_overrides`` when you use it.)

    It claims to be non-empty only for a request whose route has a ``def`` dependency (or when
    real overrides are set): for other requests FastAPI takes its usual fast path, since going
    through overrides costs FastAPI a signature analysis per dependency per request.
    """

    def __bool__(self) -> bool:
        if dict.__len__(self):
            return True
        scope = _serving.get()
        return scope is not None and (
            _has_def_dependency(scope.get("route")) or _has_def_dependency(scope.get("app"))
        )

    def get(self, key: Any, default: Any = None) -> Any:
        value = dict.get(self, key, default)
        if _serving.get() is None or not callable(value):
            return value  # asked outside a request: a plain dict's answer
        return on_request_thread(value)


def _install_dependency_mover(app: Any) -> None:
    overrides = getattr(app, "dependency_overrides", None)
    if type(overrides) is dict:
        app.dependency_overrides = DependenciesOnRequestThread(overrides)


# --- The middleware ---------------------------------------------------------------------------


class DjangoDatabaseMiddleware:
    """Pure ASGI middleware: one ``ThreadSensitiveContext`` (one thread) per HTTP request and
    per websocket session, with the connections of that thread closed when it is over (even if
    the endpoint raised); ``def`` dependencies moved onto that thread; on the lifespan scope,
    the database check at startup and closing the pools at shutdown (:mod:`app.startup`).
    With ``admission``, HTTP requests take their turn (:class:`RequestAdmission`) before they
    borrow a thread; websocket sessions, which last, never wait for one."""

    def __init__(
        self,
        app: ASGIApp,
        threads: RequestThreads | None = None,
        admission: RequestAdmission | None = None,
    ) -> None:
        self.app = app
        self.threads = threads if threads is not None else RequestThreads()
        self.admission = admission
        self._trim_loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._serve_lifespan(scope, receive, send)
            return
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        if "app" in scope:
            _install_dependency_mover(scope["app"])
        async with self._turn(scope):
            executor = self.threads.borrow()
            token = _serving.set(scope)
            try:
                async with ThreadSensitiveContext(executor=executor):
                    await self.app(scope, receive, send)
            finally:
                _serving.reset(token)
                # Queued on the thread that ran this request's queries, and not awaited: the
                # response is already sent, and the thread runs the cleanup before any work of
                # the next request that borrows it (one thread, first in first out). Awaiting it
                # would wake the event loop once more per request for nothing.
                executor.submit(_end_request).add_done_callback(_log_cleanup_failure)
                self.threads.give_back(executor)
                self._schedule_trim()

    def _turn(self, scope: Scope) -> contextlib.AbstractAsyncContextManager[object]:
        """The request's turn under :class:`RequestAdmission` when one is configured (HTTP only:
        a websocket session may last for hours), else no wait at all."""
        if self.admission is not None and scope["type"] == "http":
            return self.admission.turn()
        return contextlib.nullcontext()

    async def _serve_lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "app" in scope:
            _install_dependency_mover(scope["app"])
        await startup.serve_lifespan(
            self.app,
            scope,
            receive,
            send,
            startup_problem=startup.unreachable_database_message,
            before_pools_close=self._end_idle_threads,
        )

    def _schedule_trim(self) -> None:
        """Trim idle threads ``idle_seconds`` from now, once at a time, while any are idle, so
        they are ended even if no request comes after a spike (between one and two
        ``idle_seconds`` after they were last used)."""
        if self._trim_loop is not None and not self._trim_loop.is_closed():
            return
        self._trim_loop = asyncio.get_running_loop()
        self._trim_loop.call_later(self.threads.idle_seconds, self._trim)

    def _trim(self) -> None:
        self._trim_loop = None
        if self.threads.trim():
            self._schedule_trim()

    async def _end_idle_threads(self) -> None:
        await sync_to_async(self.threads.close, thread_sensitive=False)()


# --- DjangoRoute: def endpoints, their responses, background tasks --------------------------

_TASKS_PARAMETER = "django_background_tasks__"


class DjangoRoute(APIRoute):
    """``APIRouter(route_class=DjangoRoute)``: a ``def`` endpoint runs on the request's thread
    and its response model is validated there (reading a lazy relation works, as on plain
    FastAPI); ``def`` background tasks run there after the response, before the cleanup. An
    ``async def`` endpoint runs as before, on the event loop.

    A ``def`` generator endpoint (a streamed response) is refused: FastAPI iterates it on
    AnyIO's threads after the endpoint returned, where nothing can hand its connection back.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        endpoint = getattr(endpoint, "__django_endpoint__", endpoint)  # included twice
        if inspect.isgeneratorfunction(endpoint):
            raise TypeError(
                f"{endpoint.__qualname__} is a def generator endpoint, which FastAPI iterates "
                "on AnyIO's threads outside the request's boundary: make it an async def "
                "generator (async for over the queryset)."
            )
        if not inspect.isasyncgenfunction(endpoint):
            endpoint = _endpoint_on_request_thread(endpoint, self)
        super().__init__(path, endpoint, **kwargs)


def _endpoint_on_request_thread(endpoint: Callable[..., Any], route: APIRoute) -> Any:
    signature = inspect.signature(endpoint)
    typed = get_typed_signature(endpoint)
    tasks_parameter = next(
        (
            name
            for name, parameter in typed.parameters.items()
            if inspect.isclass(parameter.annotation)
            and issubclass(parameter.annotation, StarletteBackgroundTasks)
        ),
        None,
    )
    parameters = list(signature.parameters.values())
    if tasks_parameter is None:
        # FastAPI hands the request's BackgroundTasks to whoever asks: ask, to move its tasks.
        tasks_parameter = _TASKS_PARAMETER
        hidden = inspect.Parameter(
            _TASKS_PARAMETER, inspect.Parameter.KEYWORD_ONLY, annotation=BackgroundTasks
        )
        position = len(parameters)
        if parameters and parameters[-1].kind is inspect.Parameter.VAR_KEYWORD:
            position -= 1
        parameters.insert(position, hidden)
    is_async = inspect.iscoroutinefunction(endpoint)

    def run_and_validate(*args: Any, **kwargs: Any) -> Any:
        return _validated(endpoint(*args, **kwargs), route)

    @functools.wraps(endpoint, updated=())
    async def call(*args: Any, **kwargs: Any) -> Any:
        tasks = kwargs[tasks_parameter]
        if tasks_parameter == _TASKS_PARAMETER:
            del kwargs[tasks_parameter]
        if is_async:
            result = await endpoint(*args, **kwargs)
        else:
            result = await sync_to_async(run_and_validate, thread_sensitive=True)(*args, **kwargs)
        _move_background_tasks(tasks)
        if isinstance(result, Response) and result.background is not None:
            result.background = _background_on_request_thread(result.background)
        return result

    call.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    call.__django_endpoint__ = endpoint  # type: ignore[attr-defined]
    return call


def _validated(result: Any, route: APIRoute) -> Any:
    """``result`` validated by the route's response model, on this (the request's) thread, as
    FastAPI does for a ``def`` endpoint (on a worker thread, where the ORM may be touched).
    FastAPI validates it again on the event loop, but then it is a Pydantic value that reads no
    relation. A result that fails is returned as it is, for FastAPI to report as usual."""
    field = route.response_field
    if field is None or isinstance(result, Response):
        return result
    value, errors = field.validate(result, {}, loc=("response",))
    return result if errors else value


def _background_on_request_thread(background: BackgroundTask) -> BackgroundTask:
    if isinstance(background, StarletteBackgroundTasks):
        _move_background_tasks(background)
        return background
    if background.is_async:
        return background
    return BackgroundTask(on_request_thread(background.func), *background.args, **background.kwargs)


def _move_background_tasks(tasks: StarletteBackgroundTasks) -> None:
    """Make every ``def`` task of ``tasks`` run on the request's thread: Starlette runs them
    after the response is sent but still inside the middleware's boundary, so their
    connections are closed by the request's cleanup."""
    tasks.tasks[:] = [_background_on_request_thread(task) for task in tasks.tasks]


# --- Work that outlives a request ------------------------------------------------------------


def database_boundary(function: Callable[..., Any]) -> Callable[..., Any]:
    """A boundary of its own for work that is not a request: ``@database_boundary``.

    - On an ``async def`` (a task a request spawns with ``asyncio.create_task``, a scheduled
      coroutine): it runs with a thread of its own for its ORM calls, and that thread's
      connections are closed when it ends. A task that outlives its request cannot use the
      request's thread: asgiref refuses calls into a context that has exited.
    - On a ``def`` (a function a job runner calls on its worker threads): the calling thread's
      connections are closed when it returns or raises, as Celery's Django integration does
      around every task. Runners without such an integration (RQ, Dramatiq, a
      ``ThreadPoolExecutor``) leave the connection open in the worker thread otherwise.
    """
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def run_with_own_thread(*args: Any, **kwargs: Any) -> Any:
            executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-job")
            try:
                async with ThreadSensitiveContext(executor=executor):
                    return await function(*args, **kwargs)
            finally:
                await asyncio.wrap_future(executor.submit(_end_request))
                executor.shutdown(wait=False)

        return run_with_own_thread

    @functools.wraps(function)
    def run_then_close(*args: Any, **kwargs: Any) -> Any:
        with _closing_connections():
            return function(*args, **kwargs)

    return run_then_close


@contextlib.contextmanager
def _closing_connections() -> Iterator[None]:
    try:
        yield
    finally:
        _end_request()
