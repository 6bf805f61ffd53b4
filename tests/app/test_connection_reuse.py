"""Requests through the app borrow a pooled connection and give it back: on SQLite from
``app.sqlite_pool``, on PostgreSQL from Django's psycopg pool. Without the pool (or without the
middleware's end-of-request close, which is what returns a connection), every one of these
requests would open a connection of its own."""

from django.db import connections

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
