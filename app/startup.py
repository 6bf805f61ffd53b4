"""What the process does when it starts and when it stops: the ASGI lifespan, in one place.

**Start**: refuse to start, in one line naming ``DATABASE_URL``, when the database cannot be
reached. Without this check a server with a wrong host or port in ``DATABASE_URL`` starts "fine"
and answers 503 to every request, and ``manage.py migrate`` ends in a pool timeout traceback.
The check opens one plain driver connection, outside Django's pool: the driver's own error says
*why* ("Connection refused", "database does not exist"), where the pool only reports that it
timed out. SQLite needs no check: its file is created on first use. The failure is reported as
``lifespan.startup.failed`` (uvicorn logs the message and exits): raising from a lifespan would
print a whole traceback instead of one line.

**Stop**: close the connection pools (Django's psycopg pool and :mod:`app.sqlite_pool`), so a
reload, a test client's exit or a notebook leaves no server connection behind. The pools are
process-wide; another app still serving in the same process gets a new pool on its next query
(Django creates one when the old one is gone).

:class:`app.db.DjangoDatabaseMiddleware` runs :func:`serve_lifespan` when it sees the lifespan
scope, so every app that adds the middleware gets both, and nothing here runs per request.
"""

import os
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from starlette.types import ASGIApp, Message, Receive, Scope, Send

APP_NAME = "Books App"


def database_url_for_messages() -> str:
    """``DATABASE_URL`` as it may be printed: password hidden, default spelled out."""
    from app.config import redact_url

    url = os.environ.get("DATABASE_URL")
    return repr(redact_url(url)) if url else "(not set: the SQLite default)"


def unreachable_database_message() -> str | None:
    """``None`` when the configured PostgreSQL answers (or the database is SQLite); otherwise
    one line that names ``DATABASE_URL`` and gives the driver's reason."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    import psycopg

    try:
        psycopg.connect(**connection.get_connection_params()).close()
    except psycopg.OperationalError as error:
        reason = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        return f"cannot reach the database at DATABASE_URL={database_url_for_messages()}: {reason}"
    return None


def close_database_pools() -> None:
    """Close every database's pool: idle connections now, lent ones when they come back.

    Django's ``close_pool()`` is a method of a connection wrapper, but the pool it closes is
    shared by every thread's wrapper, so this thread's wrapper (which holds no connection) is
    enough. ``connections.all(initialized_only=True)`` would not do: in the lifespan's task it
    finds no wrapper at all, since Django's connections are per thread and per task.
    """
    from django.db import connections

    for alias in connections:
        close_pool = getattr(connections[alias], "close_pool", None)
        if close_pool is not None:
            close_pool()


async def serve_lifespan(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    startup_problem: Callable[[], str | None],
    before_pools_close: Callable[[], Awaitable[None]],
) -> None:
    """Run ``app``'s lifespan between the two jobs above.

    ``startup_problem`` runs (in a worker thread: it may open a connection) before the app sees
    ``lifespan.startup``; a message stops the start. ``before_pools_close`` runs once the app has
    finished its own shutdown, just before the pools close and ``lifespan.shutdown.complete``
    is passed on, so the server (or ``TestClient``) sees "complete" only when nothing is left.
    """
    first = await receive()
    if first["type"] == "lifespan.startup":
        problem = await sync_to_async(startup_problem, thread_sensitive=False)()
        if problem is not None:
            await send(
                {
                    "type": "lifespan.startup.failed",
                    "message": f"{APP_NAME} cannot start: {problem}",
                }
            )
            return
    replayed = False

    async def receive_again() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return first
        return await receive()

    async def send_after_closing(message: Message) -> None:
        if message["type"] in {"lifespan.shutdown.complete", "lifespan.shutdown.failed"}:
            await before_pools_close()
            await sync_to_async(close_database_pools, thread_sensitive=False)()
        await send(message)

    await app(scope, receive_again, send_after_closing)
