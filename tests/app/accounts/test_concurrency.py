"""The same user adding the same book from 20 clients at once, through a real uvicorn server
and a real login at /admin/login/: the unique constraint lets exactly one insert win, and every
other client gets a 409, never a 500 and never a second row. On PostgreSQL (the race that
matters in production) and on SQLite."""

import asyncio
import re
from collections import Counter
from collections.abc import Iterator

import httpx2
import pytest

from tests.postgresql import postgresql_database
from tests.servers import live_server, manage, server_env

CLIENTS = 20
PASSWORD = "concurrency-password-123"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        manage("migrate", "--no-input", "-v", "0", env=server_env(DATABASE_URL=url))
        yield url
    else:
        server_url = request.getfixturevalue("postgresql_url")
        with postgresql_database(server_url, prefix="accounts_race") as url:
            yield url


def log_in(http: httpx2.Client) -> str:
    page = http.get("/admin/login/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token}
    assert http.post("/admin/login/?next=/admin/", data=form).status_code == 302
    return http.cookies["csrftoken"]


async def add_from_many_clients(base_url: str, cookies: httpx2.Cookies, token: str) -> list[int]:
    """Each client its own connection, all started together."""
    start = asyncio.Event()

    async def one() -> int:
        async with httpx2.AsyncClient(base_url=base_url, cookies=cookies, timeout=30) as http:
            await start.wait()
            response = await http.post(
                "/v0/me/reading-list", json={"book_id": 1}, headers={"X-CSRFToken": token}
            )
            return response.status_code

    tasks = [asyncio.create_task(one()) for _ in range(CLIENTS)]
    await asyncio.sleep(0.2)
    start.set()
    return await asyncio.gather(*tasks)


def test_twenty_clients_add_the_same_book_exactly_one_wins(database_url: str) -> None:
    env = server_env(DATABASE_URL=database_url)
    manage("seed", env=env)
    manage(
        "createsuperuser", "--no-input", "--username", "admin", "--email", "a@example.com",
        env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )  # fmt: skip
    with live_server(env) as server, httpx2.Client(base_url=server.base_url) as http:
        token = log_in(http)
        statuses = asyncio.run(add_from_many_clients(server.base_url, http.cookies, token))
        reading_list = http.get("/v0/me/reading-list").json()
        log = server.log()
    assert Counter(statuses) == {201: 1, 409: CLIENTS - 1}, log
    assert [entry["book"]["id"] for entry in reading_list] == [1]
