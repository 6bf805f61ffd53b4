"""``user_from_session``: the session key of a Django login -> the user, with the async API.

The tests run inside a running event loop (anyio), where any synchronous query would raise
SynchronousOnlyOperation: passing here is the proof that nothing in the path is sync or lazy.
"""

import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.exceptions import SynchronousOnlyOperation
from django.db.backends.signals import connection_created

from app.accounts.authentication import user_from_session
from tests.app.accounts.conftest import create_user

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
async def close_connections() -> AsyncIterator[None]:
    """Outside a request's ThreadSensitiveContext, the async ORM runs on asgiref's one shared
    thread: hand its connection back afterwards (a PostgreSQL pool would otherwise keep it
    checked out, and the test database could not be dropped at the end)."""
    yield
    from django.db import connections

    await sync_to_async(connections.close_all)()


@pytest.fixture
def session_key(db: None) -> str:
    """The session of a real login (Django's test client; the admin's form does the same)."""
    from django.test import Client

    browser = Client()
    browser.force_login(create_user("reader"))
    return browser.cookies["sessionid"].value


async def test_the_user_of_a_logged_in_session(session_key: str) -> None:
    user = await user_from_session(session_key)
    assert (user.is_authenticated, user.username) == (True, "reader")


@pytest.mark.parametrize("key", [None, "", "short", "x" * 32, "nul\x00" * 8, "é" * 32])
async def test_no_or_a_bad_key_is_anonymous(db: None, key: str | None) -> None:
    user = await user_from_session(key)
    assert not user.is_authenticated


async def test_a_deleted_session_is_anonymous(session_key: str) -> None:
    from django.contrib.sessions.models import Session

    await Session.objects.filter(session_key=session_key).adelete()
    assert not (await user_from_session(session_key)).is_authenticated


async def test_a_password_change_ends_the_session(session_key: str) -> None:
    from django.contrib.auth.models import User

    user = await User.objects.aget(username="reader")
    user.set_password("a-new-password")
    await user.asave()
    assert not (await user_from_session(session_key)).is_authenticated


async def test_the_sync_api_fails_where_the_async_one_works(session_key: str) -> None:
    """What ``request.user`` does under the hood (``get_user``), called in async code."""
    from django.conf import settings
    from django.contrib.auth import get_user
    from django.utils.module_loading import import_string

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key)
    with pytest.raises(SynchronousOnlyOperation):
        get_user(SimpleNamespace(session=store))


async def test_every_query_runs_on_the_request_thread(session_key: str) -> None:
    """Inside the request's ThreadSensitiveContext (what app.db gives each request), the
    session and user queries open their connection on that one thread, no other."""
    threads: list[str] = []

    def record(sender, connection, **kwargs) -> None:
        threads.append(threading.current_thread().name)

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="the-request")
    connection_created.connect(record)
    try:
        async with ThreadSensitiveContext(executor=executor):
            user = await user_from_session(session_key)
    finally:
        connection_created.disconnect(record)
        from django.db import connections

        executor.submit(connections.close_all).result()
        executor.shutdown()
    assert user.is_authenticated
    assert threads == ["the-request_0"]
