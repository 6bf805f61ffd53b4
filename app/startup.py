"""Refuse to start, in one line naming ``DATABASE_URL``, when the database cannot be reached or
is not migrated.

Without this check a server with a wrong host or port in ``DATABASE_URL`` starts "fine" and
answers 503 to every request, and ``manage.py migrate`` ends in a pool timeout traceback. Both
now say which variable to fix and why it failed.

The check opens one plain driver connection, outside Django's pool: the driver's own error says
*why* ("Connection refused", "database does not exist"), where the pool only reports that it
timed out. SQLite needs no reachability check (its file is created on first use); an
unmigrated database, SQLite or PostgreSQL, is refused like an unreachable one.
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


def unapplied_migrations() -> int:
    """How many migrations the configured database still lacks (0 when it is up to date).

    Raises ``django.db.DatabaseError`` when the database cannot be read at all.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    finally:
        connection.close()


def database_startup_problem() -> str | None:
    """Why the app must not start on this database (one line), or ``None``.

    Unreachable: the driver's reason. Not migrated: every request would fail on a missing table
    (a 500 on PostgreSQL, where that is a ProgrammingError), so say so once, at startup.
    """
    if problem := unreachable_database_message():
        return problem
    missing = unapplied_migrations()
    if missing:
        return (
            f"the database at DATABASE_URL={database_url_for_messages()} lacks {missing} "
            "migration(s): run `python manage.py migrate` first"
        )
    return None


class DatabaseStartupCheck:
    """Pure ASGI middleware for the lifespan: before the app starts, check the database; if it
    is unreachable or not migrated, report ``lifespan.startup.failed`` with the one-line reason
    (uvicorn logs it and exits non-zero) instead of raising, which would print a traceback."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        first = await receive()
        if first["type"] == "lifespan.startup":
            problem = await sync_to_async(database_startup_problem, thread_sensitive=False)()
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
