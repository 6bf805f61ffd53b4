"""Solution to exercise 08: the Django user of the session cookie, as a FastAPI dependency.

As in ``app/accounts/authentication.py`` and ``app/accounts/dependencies.py``: the session and
the user are loaded with Django's async auth API, so their queries run through
``sync_to_async`` on the request's thread, and the route never meets a lazy user object.
"""

from importlib import import_module
from types import SimpleNamespace
from typing import Annotated, Any

from django.conf import settings
from django.contrib.auth import aget_user
from fastapi import APIRouter, Cookie, Depends, HTTPException, status

router = APIRouter()


async def get_current_user(sessionid: Annotated[str | None, Cookie()] = None) -> Any:
    """The Django user of the request's ``sessionid`` cookie, or an HTTP 401."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(sessionid)
    # aget_user reads only `request.session`; AnonymousUser when nobody is logged in.
    user = await aget_user(SimpleNamespace(session=store))
    if not user.is_authenticated:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Not logged in")
    return user


@router.get("/v0/whoami")
async def whoami(user: Annotated[Any, Depends(get_current_user)]) -> dict[str, Any]:
    """Who is logged in: ``{"username": ..., "is_staff": ...}``."""
    return {"username": user.username, "is_staff": user.is_staff}
