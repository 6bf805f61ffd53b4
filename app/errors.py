"""How each failure answers over HTTP: one handler per status, every body JSON.

``app/exceptions.py`` says WHAT went wrong, in the domain's words (services and repositories raise
it, and know nothing of HTTP). This module says how each answers (FastAPI handles it). Each status
has one handler here, whichever exception class leads to it:

| status | handler              | raised                                                        |
|--------|----------------------|---------------------------------------------------------------|
| 404    | ``_not_found``       | NotFound, or Django's own ``Model.DoesNotExist`` left to propagate |
| 405    | ``_http_error``      | a method the path does not support; ``Allow`` lists every one it does |
| 409    | ``_conflict``        | Conflict (duplicate ISBN, author who still has books), IntegrityError |
| 422    | ``_invalid_reference`` | InvalidReference: the body points at a missing row (FastAPI's own 422s have the same shape) |
| 503    | ``_unavailable``     | UpstreamUnavailable (Open Library), OperationalError/InterfaceError (database down, pool exhausted), a missing table (never migrated) |

The 400 for a Host that ``ALLOWED_HOSTS`` does not name is answered before routing, by
``app.security.AllowedHostsMiddleware``, with :func:`error_response` too.
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match

from app.exceptions import Conflict, InvalidReference, NotFound, UpstreamUnavailable

logger = logging.getLogger(__name__)

DATABASE_RETRY_AFTER_SECONDS = 5


class ErrorResponse(BaseModel):
    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the error answers a route can give."""
    descriptions = {
        400: "The body is not JSON text (e.g. not UTF-8)",
        404: "No row with this id",
        409: "Conflicts with existing data",
        503: "A service the app depends on (database, Open Library) is unavailable",
    }
    return {code: {"model": ErrorResponse, "description": descriptions[code]} for code in codes}


def error_response(
    status_code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """The body of every error the app itself writes: ``{"detail": "..."}``."""
    return JSONResponse({"detail": message}, status_code=status_code, headers=headers)


def as_not_found(error: ObjectDoesNotExist, path_params: dict[str, Any]) -> NotFound:
    """One message for every 404, whoever raised it.

    A repository raises ``NotFound("Author", 5)``. Code that lets Django's own
    ``Author.DoesNotExist`` propagate (exercise 02's ``await Author.objects.aget(pk=author_id)``)
    carries only "Author matching query does not exist."; the model comes from the exception's
    class and the id from the path parameter named after it (``author_id``), so the client reads
    the same "Author 5 not found" either way.
    """
    if isinstance(error, NotFound):
        return error
    model = type(error).__qualname__.rpartition(".")[0]  # "Author.DoesNotExist" -> "Author"
    if not model:
        return NotFound("Object", None)
    return NotFound(model, path_params.get(f"{model.lower()}_id"))


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ObjectDoesNotExist)
    return error_response(
        status.HTTP_404_NOT_FOUND, as_not_found(error, request.path_params).message
    )


async def _conflict(request: Request, error: Exception) -> JSONResponse:
    message = error.message if isinstance(error, Conflict) else "Conflicts with existing data"
    return error_response(status.HTTP_409_CONFLICT, message)


async def _invalid_reference(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidReference)
    item = {"type": "invalid_reference", "loc": ["body", error.field], "msg": error.message}
    return JSONResponse({"detail": [item]}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def _is_missing_table(error: Exception) -> bool:
    """The query named a table that does not exist: the database was never migrated.
    PostgreSQL reports SQLSTATE 42P01 (a ProgrammingError), SQLite "no such table"."""
    return getattr(error.__cause__, "sqlstate", None) == "42P01" or str(error).startswith(
        "no such table"
    )


async def _unavailable(request: Request, error: Exception) -> JSONResponse:
    if isinstance(error, UpstreamUnavailable):
        return error_response(status.HTTP_503_SERVICE_UNAVAILABLE, error.message)
    if _is_missing_table(error):
        logger.error("database not migrated (%s): run `python manage.py migrate`", error)
        return error_response(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The database is not migrated: run `python manage.py migrate`",
        )
    if isinstance(error, ProgrammingError):
        raise error  # any other programming error is a bug: a 500, as without this handler
    # One line in the log, not a traceback per request while the database is down.
    logger.error("database unavailable during %s %s: %s", request.method, request.url.path, error)
    return error_response(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "The database is unavailable; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of this path accepts.

    Starlette answers 405 from the FIRST route whose path matched, so ``PUT /v0/books/1`` used to
    say ``Allow: GET`` although PATCH and DELETE work there too.
    """
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's own errors (no such path, method not allowed) as FastAPI answers them,
    with a complete ``Allow`` on a 405."""
    assert isinstance(error, HTTPException)
    if error.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        allow = ", ".join(allowed_methods(request))
        error = HTTPException(error.status_code, error.detail, {"Allow": allow})
    return await http_exception_handler(request, error)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ObjectDoesNotExist, _not_found)  # NotFound is one
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(InvalidReference, _invalid_reference)
    for unavailable in (UpstreamUnavailable, OperationalError, InterfaceError, ProgrammingError):
        app.add_exception_handler(unavailable, _unavailable)
