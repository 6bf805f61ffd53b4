"""FastAPI providers for who is calling: the Django user of the session cookie, the CSRF check
for unsafe methods, Django permissions, and the reading-list service.

Every one is ``async def`` and uses Django's async auth API: their queries run on the request's
thread (``app.db``), and no lazy user object is ever handed to a route. Tests replace
``get_current_user`` with ``app.dependency_overrides`` (lesson 04); routes that write also depend
on ``check_csrf``, which runs after it, so a request without a session is a 401 before a 403.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyCookie, APIKeyHeader

from app.accounts.authentication import user_from_session
from app.accounts.csrf import CSRF_HEADER, csrf_refusal
from app.accounts.repository import DjangoReadingListRepository
from app.accounts.services import ReadingListRepository, ReadingListService

LOGIN_URL = f"{settings.ADMIN_PATH}/login/"

# Declared as OpenAPI security schemes: /docs shows them, and its "Authorize" button takes the
# CSRF token (the browser already sends the session cookie of a login in the same site).
session_cookie = APIKeyCookie(
    name=settings.SESSION_COOKIE_NAME,
    scheme_name="DjangoSession",
    description=f"Django's session cookie: log in at {LOGIN_URL} in the same browser.",
    auto_error=False,
)
csrf_token_header = APIKeyHeader(
    name=CSRF_HEADER,
    scheme_name="CsrfToken",
    description=(
        "For POST, PUT, PATCH and DELETE: the value of the `csrftoken` cookie (Django's CSRF "
        "protection; the browser's developer tools show it after a login)."
    ),
    auto_error=False,
)


async def get_current_user(
    session_key: Annotated[str | None, Security(session_cookie)],
) -> AbstractBaseUser:
    """The logged-in Django user, or a 401 (no cookie, unknown or expired session, logged out)."""
    user = await user_from_session(session_key)
    if not user.is_authenticated:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail=f"Not logged in: log in at {LOGIN_URL} first",
            # RFC 9110 wants a challenge on every 401; FastAPI's API-key schemes send this one.
            headers={"WWW-Authenticate": "APIKey"},
        )
    return user


CurrentUser = Annotated[AbstractBaseUser, Depends(get_current_user)]


async def check_csrf(
    request: Request, token: Annotated[str | None, Security(csrf_token_header)]
) -> None:
    """403 unless Django's CSRF protection accepts the request (see ``app.accounts.csrf``).
    ``token`` is read by Django itself from the request; the parameter documents the header."""
    reason = csrf_refusal(request.scope)
    if reason is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=f"CSRF check failed: {reason}")


async def get_current_user_for_writes(
    user: CurrentUser, _: Annotated[None, Depends(check_csrf)]
) -> AbstractBaseUser:
    """The logged-in user of an unsafe request that passed the CSRF check (401, then 403)."""
    return user


WritingUser = Annotated[AbstractBaseUser, Depends(get_current_user_for_writes)]


def require_permission(permission: str) -> Callable[..., Awaitable[AbstractBaseUser]]:
    """A dependency: the logged-in user if they hold ``permission`` ("app_label.codename",
    Django's permissions, as the admin grants them), else 403. Superusers hold every one."""

    async def user_with_permission(user: CurrentUser) -> AbstractBaseUser:
        # django-stubs keep ahas_perm on PermissionsMixin; every user model the admin logs in
        # (Django's User and AbstractUser subclasses) has it.
        if not await user.ahas_perm(permission):  # type: ignore[attr-defined]
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"You need the permission {permission!r}"
            )
        return user

    return user_with_permission


async def get_reading_list_repository() -> ReadingListRepository:
    return DjangoReadingListRepository()


async def get_reading_list_service(
    repository: Annotated[ReadingListRepository, Depends(get_reading_list_repository)],
) -> ReadingListService:
    return ReadingListService(repository=repository)
