"""Who sent this request: the Django user of a session key, with Django 5.2's async auth API.

Django's ``AuthenticationMiddleware`` gives a view ``request.user``, a ``SimpleLazyObject`` that
loads the session and the user *when first read*: synchronous database queries, so reading it in
``async def`` raises SynchronousOnlyOperation (lesson 10 shows it). Here nothing is lazy: the
session and the user are loaded by ``aget_user`` (``session.aget``, ``backend.aget_user``), whose
queries go through ``sync_to_async`` and so run on the request's own thread (``app.db``).
"""

import re
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import aget_user
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# A cookie is text the client chose. Django's keys are 32 lowercase letters and digits; anything
# else printable is still looked up (another SESSION_ENGINE may use other keys), but a NUL byte
# would make PostgreSQL refuse the query (a 500 instead of a 401).
_PLAUSIBLE_SESSION_KEY = re.compile(r"[\x21-\x7e]{8,1024}")


async def user_from_session(session_key: str | None) -> AbstractBaseUser | AnonymousUser:
    """The user logged in with this session key (by ``/admin/login/`` or any Django login), or
    ``AnonymousUser`` when there is no such session, it expired, it was logged out, or the
    user's password changed since (``aget_user`` checks the session's auth hash)."""
    if session_key is None or not _PLAUSIBLE_SESSION_KEY.fullmatch(session_key):
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    # aget_user reads only `request.session`: no need to build a Django HttpRequest.
    # aget_user is typed for an HttpRequest; it reads nothing but `.session`.
    return await aget_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
