"""The SQLite pool (``app.sqlite_pool``), on real SQLite files: reuse, and every case in which a
connection must *not* be reused.

Each test gets its own database file and its own ``ConnectionHandler``, so the pool under test
is a fresh one and the suite's test database is not involved.
"""

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler

from app.config import database_settings
from app.sqlite_pool.base import DatabaseWrapper, SQLitePool

ALIAS = "default"  # of a ConnectionHandler of the test's own, not django.db.connections


@pytest.fixture
def database_file(tmp_path: Path) -> Path:
    path = tmp_path / "pooled.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        setup.execute("INSERT INTO note (text) VALUES ('first file')")
    return path


@pytest.fixture
def handler(database_file: Path, django_db_blocker) -> Iterator[ConnectionHandler]:
    """Django connections to ``database_file`` with the app's settings (so: pooled)."""
    settings = database_settings(f"sqlite:///{database_file}", database_file)
    handler = ConnectionHandler({ALIAS: settings})
    with django_db_blocker.unblock():
        yield handler
        handler[ALIAS].close_pool()
        handler.close_all()


def in_thread(function: Callable[[], Any]) -> Any:
    """Run ``function`` on a new thread, as another request's thread would (Django keeps one
    connection per thread, so each thread gets its own ``DatabaseWrapper``)."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function).result()


def run_sql(handler: ConnectionHandler, sql: str) -> tuple[sqlite3.Connection, list[tuple]]:
    """What one request does: a query on this thread's connection, then Django's end-of-request
    close. Returns the driver connection it used and the rows."""
    wrapper = handler[ALIAS]
    with wrapper.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    driver_connection = wrapper.connection
    wrapper.close()
    assert wrapper.connection is None, "the wrapper must forget a connection it gave back"
    return driver_connection, rows


def use_and_close(handler: ConnectionHandler) -> Callable[[], sqlite3.Connection]:
    """A request as a function for ``in_thread``: its driver connection."""
    return lambda: run_sql(handler, "SELECT count(*) FROM note")[0]


def pool_of(handler: ConnectionHandler) -> SQLitePool:
    pool = handler[ALIAS].pool
    assert pool is not None
    return pool


def test_the_app_uses_the_pooled_backend_for_sqlite(database_file):
    settings = database_settings(f"sqlite:///{database_file}", database_file)
    assert settings["ENGINE"] == "app.sqlite_pool"
    assert settings["CONN_MAX_AGE"] == 0  # pooling, not persistence


def test_a_closed_connection_is_lent_to_the_next_request_on_another_thread(handler):
    first = in_thread(use_and_close(handler))
    second = in_thread(use_and_close(handler))
    assert second is first
    assert pool_of(handler).stats == {"opened": 1, "reused": 1, "returned": 2, "discarded": 0}


def test_concurrent_requests_never_share_a_connection(handler):
    holding = threading.Barrier(4)

    def request() -> int:
        wrapper = handler[ALIAS]
        wrapper.ensure_connection()
        holding.wait(timeout=10)  # all four hold a connection at the same time
        connection_id = id(wrapper.connection)
        wrapper.close()
        return connection_id

    with ThreadPoolExecutor(max_workers=4) as executor:
        ids = list(executor.map(lambda _: request(), range(4)))
    assert len(set(ids)) == 4


def test_a_connection_closed_inside_a_transaction_is_rolled_back_not_reused(handler):
    def write_then_close_inside_a_transaction() -> sqlite3.Connection:
        wrapper = handler[ALIAS]
        wrapper.set_autocommit(False)  # what atomic() does; closed before commit or rollback
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO note (text) VALUES ('never committed')")
        driver_connection = wrapper.connection
        assert driver_connection.in_transaction
        wrapper.close()
        return driver_connection

    abandoned = in_thread(write_then_close_inside_a_transaction)
    reused = in_thread(use_and_close(handler))
    assert reused is not abandoned
    assert pool_of(handler).stats["discarded"] == 1

    _, rows = in_thread(lambda: run_sql(handler, "SELECT text FROM note ORDER BY id"))
    assert rows == [("first file",)]


def test_a_connection_with_foreign_keys_off_is_not_reused(handler):
    switched_off, _ = in_thread(lambda: run_sql(handler, "PRAGMA foreign_keys = OFF"))
    fresh, rows = in_thread(lambda: run_sql(handler, "PRAGMA foreign_keys"))
    assert fresh is not switched_off
    assert rows == [(1,)]


def test_a_replaced_database_file_is_never_read_through_an_old_connection(handler, database_file):
    in_thread(use_and_close(handler))  # one idle connection, opened on the first file
    for leftover in database_file.parent.glob(f"{database_file.name}*"):
        leftover.unlink()
    with sqlite3.connect(database_file) as setup:  # a lesson re-creating its database
        setup.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        setup.execute("INSERT INTO note (text) VALUES ('second file')")

    _, rows = in_thread(lambda: run_sql(handler, "SELECT text FROM note"))
    assert rows == [("second file",)]
    assert pool_of(handler).stats["discarded"] == 1


def test_at_most_max_idle_connections_are_kept(database_file, django_db_blocker, monkeypatch):
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "2")
    settings = database_settings(f"sqlite:///{database_file}", database_file)
    handler = ConnectionHandler({ALIAS: settings})
    holding = threading.Barrier(5)

    def request() -> None:
        wrapper = handler[ALIAS]
        wrapper.ensure_connection()
        holding.wait(timeout=10)
        wrapper.close()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=5) as executor:
        list(executor.map(lambda _: request(), range(5)))
    pool = pool_of(handler)
    try:
        assert pool.idle_count() == 2
        assert pool.stats["discarded"] == 3
    finally:
        pool.close()


def test_close_pool_closes_every_idle_connection(handler):
    idle = in_thread(use_and_close(handler))
    handler[ALIAS].close_pool()
    assert pool_of(handler).idle_count() == 0
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        idle.execute("SELECT 1")


def test_a_forked_child_never_gets_the_parents_connections(handler):
    in_thread(use_and_close(handler))
    pool = pool_of(handler)
    assert pool.idle_count() == 1
    child = os.fork()
    if child == 0:  # the child: it must find the pool empty, and leave without closing anything
        os._exit(0 if pool.take() is None else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert pool.idle_count() == 1  # the parent's connection is still there for the parent


def test_pooling_refuses_persistent_connections(database_file, django_db_blocker):
    settings = database_settings(f"sqlite:///{database_file}", database_file)
    settings["CONN_MAX_AGE"] = 600
    handler = ConnectionHandler({ALIAS: settings})
    with django_db_blocker.unblock(), pytest.raises(ImproperlyConfigured, match="persistent"):
        handler[ALIAS].ensure_connection()


def test_in_memory_databases_are_not_pooled(django_db_blocker):
    handler = ConnectionHandler(
        {ALIAS: {"ENGINE": "app.sqlite_pool", "NAME": ":memory:", "OPTIONS": {"pool": True}}}
    )
    wrapper = handler[ALIAS]
    assert isinstance(wrapper, DatabaseWrapper)
    assert wrapper.pool is None
