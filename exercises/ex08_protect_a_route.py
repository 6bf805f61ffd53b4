"""Exercise 08 · Protect a route with the Django user of the session.

Goal: the API knows who is calling, from the login of Django's admin in the same process. Write
``get_current_user``, a FastAPI dependency that gives the route the Django user logged in with
the request's ``sessionid`` cookie (the cookie ``/admin/login/`` sets), and protect the route
``GET /v0/whoami`` with it:

- a request without a session, with an unknown or expired one, or after ``/admin/logout/``, is
  answered ``401`` with a JSON body (``{"detail": "..."}``), never a 500;
- a logged-in request is answered ``200`` with ``{"username": ..., "is_staff": ...}`` of *that*
  session's user;
- the route gets its user only through ``Depends(get_current_user)``, so a test can replace it
  with ``app.dependency_overrides[get_current_user]`` (lesson 04);
- no SynchronousOnlyOperation: load the session and the user with Django's async auth API
  (``aget_user``), never the sync ``get_user`` or a lazy ``request.user``, and never by setting
  ``DJANGO_ALLOW_ASYNC_UNSAFE``.

Hints (notebooks/10_users_across_the_boundary.ipynb):
- the section on the async auth API: a session store for the cookie's key, then ``aget_user``;
- the section on 401 and 403, and the one on overriding the user in a test;
- ``app/accounts/authentication.py`` and ``app/accounts/dependencies.py`` do the same for
  ``/v0/me``.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex08``.
"""

from typing import Any

from fastapi import APIRouter

router = APIRouter()


async def get_current_user() -> Any:
    """The Django user of the request's ``sessionid`` cookie, or an HTTP 401."""
    # TODO exercise 08: read the cookie, load the session and the user with aget_user, 401 if
    # nobody is logged in.
    raise NotImplementedError("TODO exercise 08: write get_current_user()")


@router.get("/v0/whoami")
async def whoami() -> dict[str, Any]:
    """Who is logged in: ``{"username": ..., "is_staff": ...}``."""
    # TODO exercise 08: protect this route with Depends(get_current_user) and answer its user.
    raise NotImplementedError("TODO exercise 08: protect whoami() with get_current_user")
