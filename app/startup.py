"""Refuse to start, in one line naming ``DATABASE_URL``, when the database cannot be reached.

Without this check a server with a wrong host or port in ``DATABASE_URL`` starts "fine" and
answers 503 to every request, and ``manage.py migrate`` ends in a pool timeout traceback. Both
now say which variable to fix and why it failed.

The check opens one plain driver connection, outside Django's pool: the driver's own error says
*why* ("Connection refused", "database does not exist"), where the pool only reports that it
timed out. SQLite needs no check: its file is created on first use.
"""

import os

from asgiref.sync import sync_to_async
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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


class DatabaseStartupCheck:
    """Pure ASGI middleware for the lifespan: before the app starts, check the database; if it
    is unreachable, report ``lifespan.startup.failed`` with the one-line reason (uvicorn logs it
    and exits non-zero) instead of raising, which would print a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        first = await receive()
        if first["type"] == "lifespan.startup":
            problem = await sync_to_async(unreachable_database_message, thread_sensitive=False)()
            if problem is not None:
                await send(
                    {
                        "type": "lifespan.startup.failed",
                        "message": f"Books App cannot start: {problem}",
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

        await self.app(scope, receive_again, send)
