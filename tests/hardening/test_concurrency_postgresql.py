"""Concurrent clients against a real uvicorn server on PostgreSQL.

The database decides races (a unique index, a foreign key), and the app must turn each refusal
into the right answer: 409 for the losers of an ISBN race, 409 or 422 when an author is deleted
while books are added, never a 500, never a lost write, never a book without its author. While
the load runs, a sampler counts the server's connections to prove the pool bound holds.
Run with ``-s`` to see the counts.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import psycopg
import pytest

from tests.postgresql import (
    BackendSampler,
    count_backends,
    postgresql_database,
    small_pool_server_env,
)
from tests.servers import LiveServer, live_server

POOL_MAX_SIZE = 4
# libpq reads PGAPPNAME: the server's connections carry this name, so the counts below see only
# them, not a just-closed connection of the test's own that PostgreSQL has not reaped yet.
SERVER_APPLICATION_NAME = "hardening-load-server"
CLIENTS = 16  # more concurrent clients than pooled connections, on purpose
REQUEST_TIMEOUT = 30.0  # a bound on a hung request, not a performance expectation

pytestmark = pytest.mark.postgresql


@dataclass
class Target:
    server: LiveServer
    database_url: str
    database: str


@pytest.fixture(scope="module")
def target(postgresql_url: str) -> Iterator[Target]:
    with postgresql_database(postgresql_url, prefix="hardening_load") as url:
        env = small_pool_server_env(url, POOL_MAX_SIZE, SERVER_APPLICATION_NAME)
        with live_server(env) as server:
            yield Target(server, url, url.rsplit("/", 1)[1])


async def _send_all(base_url: str, requests: list[tuple[str, str, Any]]) -> list[httpx2.Response]:
    """Send every (method, path, json) with at most CLIENTS in flight at once."""
    limits = httpx2.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    gate = asyncio.Semaphore(CLIENTS)
    async with httpx2.AsyncClient(
        base_url=base_url, timeout=REQUEST_TIMEOUT, limits=limits
    ) as client:

        async def one(method: str, path: str, body: Any) -> httpx2.Response:
            async with gate:
                return await client.request(method, path, json=body)

        return await asyncio.gather(*(one(*request) for request in requests))


def send_all(target: Target, requests: list[tuple[str, str, Any]]) -> list[httpx2.Response]:
    sampler = BackendSampler(target.database_url, target.database, SERVER_APPLICATION_NAME)
    with sampler:
        responses = asyncio.run(_send_all(target.server.base_url, requests))
    statuses = Counter(response.status_code for response in responses)
    print(
        f"\n  sent {len(requests)} requests, statuses {dict(sorted(statuses.items()))}, "
        f"server connections seen: max {max(sampler.samples, default=0)} "
        f"over {len(sampler.samples)} samples (pool max_size {POOL_MAX_SIZE})"
    )
    assert sampler.samples, "the sampler never ran: the bound below would prove nothing"
    assert max(sampler.samples) <= POOL_MAX_SIZE
    assert max(sampler.samples) >= 1
    return responses


def sql_value(target: Target, query: str, params: list[Any] | None = None) -> Any:
    with psycopg.connect(target.database_url, autocommit=True) as connection:
        return connection.execute(query, params or []).fetchone()[0]


def create_author(target: Target, name: str) -> int:
    response = httpx2.post(f"{target.server.base_url}/v0/authors/", json={"name": name}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def isbn13(number: int) -> str:
    """A 13-digit ISBN-shaped string, unique per number (the app checks shape, not checksum)."""
    return f"979{number:010d}"


def book(author_id: int, isbn: str, title: str = "Concurrent") -> dict[str, Any]:
    return {"title": title, "author_id": author_id, "isbn": isbn, "publication_date": "2001-01-01"}


def test_same_isbn_many_times_at_once_gives_one_201_and_409_for_the_rest(target: Target) -> None:
    author_id = create_author(target, "Race author")
    isbn = isbn13(1)
    attempts = 40
    responses = send_all(target, [("POST", "/v0/books/", book(author_id, isbn))] * attempts)

    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: 1, 409: attempts - 1}
    for response in responses:
        assert response.headers["content-type"] == "application/json"
        if response.status_code == 409:
            assert isbn in response.json()["detail"]
    assert sql_value(target, "SELECT count(*) FROM books_book WHERE isbn = %s", [isbn]) == 1


def test_distinct_isbns_at_once_lose_none(target: Target) -> None:
    author_id = create_author(target, "Prolific author")
    count = 120
    isbns = [isbn13(10_000 + n) for n in range(count)]
    responses = send_all(target, [("POST", "/v0/books/", book(author_id, i)) for i in isbns])

    assert Counter(response.status_code for response in responses) == {201: count}
    created_ids = {response.json()["id"] for response in responses}
    assert len(created_ids) == count
    stored = sql_value(
        target,
        "SELECT array_agg(isbn ORDER BY isbn) FROM books_book WHERE author_id = %s",
        [author_id],
    )
    assert stored == sorted(isbns)


def test_deleting_authors_while_books_are_added_never_orphans_a_book(target: Target) -> None:
    author_ids = [create_author(target, f"Contested author {n}") for n in range(8)]
    requests: list[tuple[str, str, Any]] = []
    for round_ in range(6):
        for index, author_id in enumerate(author_ids):
            create = ("POST", "/v0/books/", book(author_id, isbn13(500_000 + round_ * 100 + index)))
            delete = ("DELETE", f"/v0/authors/{author_id}", None)
            # Half the authors are deleted before their first book is sent, half after: each
            # delete races the creates in flight around it, and either side may win.
            if index % 2 == 0 and round_ in (0, 2):
                requests += [delete, create]
            elif index % 2 == 1 and round_ in (1, 4):
                requests += [create, delete]
            else:
                requests.append(create)
    responses = send_all(target, requests)

    outcomes = Counter(
        (request[0], response.status_code)
        for request, response in zip(requests, responses, strict=True)
    )
    print(f"  outcomes by (method, status): {dict(sorted(outcomes.items()))}")
    allowed = {("POST", 201), ("POST", 422), ("DELETE", 204), ("DELETE", 409), ("DELETE", 404)}
    assert set(outcomes) <= allowed
    assert outcomes[("POST", 201)] >= 1  # books were added while deletes ran

    orphans = sql_value(
        target,
        "SELECT count(*) FROM books_book b "
        "LEFT JOIN authors_author a ON a.id = b.author_id WHERE a.id IS NULL",
    )
    assert orphans == 0
    # Every 201 is a stored book, and every 204 is an author that is really gone.
    created = [
        r.json()["id"] for r in responses if r.request.method == "POST" and r.status_code == 201
    ]
    stored = sql_value(target, "SELECT count(*) FROM books_book WHERE id = ANY(%s)", [created])
    assert stored == len(created)
    deleted = [
        int(r.request.url.path.rstrip("/").rsplit("/", 1)[1])
        for r in responses
        if r.request.method == "DELETE" and r.status_code == 204
    ]
    assert (
        sql_value(target, "SELECT count(*) FROM authors_author WHERE id = ANY(%s)", [deleted]) == 0
    )


def test_no_connection_is_left_checked_out_after_the_load(target: Target) -> None:
    """After a burst of reads and writes, the server holds at most its pool, all of it idle."""
    author_id = create_author(target, "Reader's favourite")
    burst = [("GET", "/v0/books/", None), ("GET", f"/v0/authors/{author_id}", None)] * 30
    burst += [("POST", "/v0/books/", book(author_id, isbn13(900_000 + n))) for n in range(20)]
    responses = send_all(target, burst)
    assert {response.status_code for response in responses} <= {200, 201}
    busy = count_backends(
        target.database_url, target.database, SERVER_APPLICATION_NAME, where="state <> 'idle'"
    )
    total = count_backends(target.database_url, target.database, SERVER_APPLICATION_NAME)
    print(f"\n  after the load: {total} server connection(s), {busy} not idle")
    assert busy == 0
    assert total <= POOL_MAX_SIZE
