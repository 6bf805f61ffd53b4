"""Django's SQLite backend plus a connection pool, which Django has for PostgreSQL and Oracle only.

Why: under ASGI, Django keeps a connection only for the length of a request (``CONN_MAX_AGE=0``;
its docs say persistent connections "should be disabled" there and point to the backend's pool:
its handler runs each request on a new thread, and a connection belongs to its thread). On
PostgreSQL, Django's psycopg pool makes that cheap. SQLite has no pool, so every request opened
a connection and closed it again, and that costs more than the request's query: Django
registers its SQL functions, runs its PRAGMAs, and SQLite reads the schema again on the first
query (``python -m bench.costs`` times each piece).

This backend keeps the contract of Django's PostgreSQL pool: Django still "closes" the
connection at the end of every request (``close_old_connections()``), and closing hands it
back to the pool instead of ending it; the next request, on whatever thread, takes it from
there. Only the backend changes; the ORM, transactions and ``CONN_MAX_AGE=0`` are as before.

What makes a reused connection as good as a fresh one:

- a connection is lent to one Django connection (one thread) at a time, and the wrapper
  forgets it when it hands it back;
- it is taken back only clean: outside any transaction and with foreign keys enforced; any
  other connection is closed, not pooled;
- it is not lent again if its file was deleted or replaced since it was opened (a lesson or a
  test that recreates its database must not read the old one);
- at most ``max_idle`` connections wait in the pool (``OPTIONS["pool"]["max_idle"]``); when
  more are in use at once, the extra ones are closed on return. The pool never makes a request
  wait: with no idle connection, Django opens one as before;
- a connection is never lent across ``fork()``: SQLite forbids using one in a child process.

In-memory databases are not pooled (Django never closes those anyway).
"""

import os
import sqlite3
import threading
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3 import base as sqlite_base

DEFAULT_MAX_IDLE = 32
FileId = tuple[int, int]  # (device, inode): which file a path named when a connection opened it


def file_id(path: str) -> FileId | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


class SQLitePool:
    """Idle connections to one SQLite file, each with the file it was opened on."""

    def __init__(self, path: str, max_idle: int) -> None:
        self.path = path
        self.max_idle = max_idle
        self._idle: list[tuple[sqlite3.Connection, FileId | None]] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        # Connections inherited through fork(): never used and never closed here (closing one
        # in the child could checkpoint the parent's write-ahead log), only kept referenced.
        self._inherited: list[sqlite3.Connection] = []
        self.stats = {"opened": 0, "reused": 0, "returned": 0, "discarded": 0}

    def take(self) -> tuple[sqlite3.Connection, FileId | None] | None:
        """An idle connection still on the file its path names now, or ``None``."""
        while True:
            with self._lock:
                self._check_pid()
                if not self._idle:
                    return None
                connection, opened_on = self._idle.pop()
            if opened_on is not None and opened_on == file_id(self.path):
                self._count("reused")
                return connection, opened_on
            self._discard(connection)

    def give_back(self, connection: sqlite3.Connection, opened_on: FileId | None) -> None:
        if not _is_clean(connection):
            self._discard(connection)
            return
        with self._lock:
            self._check_pid()
            if len(self._idle) < self.max_idle:
                self._idle.append((connection, opened_on))
                self.stats["returned"] += 1  # under the lock already
                return
        self._discard(connection)

    def idle_count(self) -> int:
        return len(self._idle)

    def close(self) -> None:
        """Close every idle connection (at shutdown, or before a database file is removed)."""
        with self._lock:
            self._check_pid()
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()

    def count_opened(self) -> None:
        self._count("opened")

    def _count(self, event: str) -> None:
        with self._lock:  # += on a dict item is not atomic across threads
            self.stats[event] += 1

    def _discard(self, connection: sqlite3.Connection) -> None:
        self._count("discarded")
        connection.close()

    def _check_pid(self) -> None:
        if self._pid != os.getpid():
            self._inherited += [connection for connection, _ in self._idle]
            self._idle = []
            self._pid = os.getpid()


def _is_clean(connection: sqlite3.Connection) -> bool:
    """Nothing of the last user's left: no open transaction, foreign keys on (Django's default;
    ``PRAGMA foreign_keys = OFF`` during some migrations and truncations must not leak)."""
    try:
        if connection.in_transaction:
            return False
        return connection.execute("PRAGMA foreign_keys").fetchone() == (1,)
    except sqlite3.Error:
        return False


_pools: dict[str, SQLitePool] = {}
_pools_lock = threading.Lock()


class DatabaseWrapper(sqlite_base.DatabaseWrapper):
    """``close()`` returns the connection to the pool; connecting takes one from it first."""

    _opened_on: FileId | None = None

    @property
    def pool(self) -> SQLitePool | None:
        """This database file's pool (shared by every thread's wrapper), or ``None``."""
        options = self.settings_dict["OPTIONS"].get("pool")
        if not options or self.is_in_memory_db():
            return None
        if self.settings_dict["CONN_MAX_AGE"] != 0:
            raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
        path = str(self.settings_dict["NAME"])
        with _pools_lock:
            pool = _pools.get(path)
            if pool is None:
                max_idle = (
                    options.get("max_idle", DEFAULT_MAX_IDLE)
                    if isinstance(options, dict)
                    else DEFAULT_MAX_IDLE
                )
                pool = _pools[path] = SQLitePool(path, max_idle)
        return pool

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params.pop("pool", None)  # ours, not sqlite3.connect()'s
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        pool = self.pool
        if pool is not None:
            taken = pool.take()
            if taken is not None:
                connection, self._opened_on = taken
                return connection
        connection = super().get_new_connection(conn_params)
        self._opened_on = file_id(conn_params["database"])
        if pool is not None:
            pool.count_opened()
        return connection

    def _close(self) -> None:
        pool = self.pool
        if self.connection is None or pool is None:
            super()._close()  # type: ignore[misc]  # Django's, missing from django-stubs 5.2.9
            return
        with self.wrap_database_errors:
            pool.give_back(self.connection, self._opened_on)
        # Lent to the next user now: this wrapper must not touch it again, even if Django
        # closed it inside an atomic block (where it would otherwise keep the reference).
        self.connection = None

    def close_pool(self) -> None:
        """Same name as Django's PostgreSQL wrapper, so shutdown code can call either."""
        pool = self.pool
        if pool is not None:
            pool.close()
