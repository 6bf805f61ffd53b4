"""Exception -> HTTP response mapping: bad input gets a clear answer, never a 500.

| raised                                   | status | why                                        |
|------------------------------------------|--------|--------------------------------------------|
| NotFound, ObjectDoesNotExist             | 404    | the id names no row                        |
| Conflict, IntegrityError                 | 409    | duplicate ISBN, author who still has books |
| InvalidReference                         | 422    | body points at a missing row               |
| UpstreamUnavailable                      | 503    | Open Library down or slow                  |
| django.db OperationalError/InterfaceError| 503    | database down, pool exhausted              |
| a missing table (never migrated)         | 503    | says: run `manage.py migrate`              |
"""

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError
from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

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


def _detail(status_code: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status_code, headers=headers)


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_404_NOT_FOUND, str(error) or "Not found")


async def _conflict(request: Request, error: Exception) -> JSONResponse:
    message = error.message if isinstance(error, Conflict) else "Conflicts with existing data"
    return _detail(status.HTTP_409_CONFLICT, message)


async def _invalid_reference(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidReference)
    item = {"type": "invalid_reference", "loc": ["body", error.field], "msg": error.message}
    return JSONResponse({"detail": [item]}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


async def _upstream_unavailable(request: Request, error: Exception) -> JSONResponse:
    return _detail(status.HTTP_503_SERVICE_UNAVAILABLE, str(error))


def _is_missing_table(error: Exception) -> bool:
    """The query named a table that does not exist: the database was never migrated.
    PostgreSQL reports SQLSTATE 42P01 (a ProgrammingError), SQLite "no such table"."""
    return getattr(error.__cause__, "sqlstate", None) == "42P01" or str(error).startswith(
        "no such table"
    )


async def _database_unavailable(request: Request, error: Exception) -> JSONResponse:
    if _is_missing_table(error):
        logger.error("database not migrated (%s): run `python manage.py migrate`", error)
        return _detail(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "The database is not migrated: run `python manage.py migrate`",
        )
    if isinstance(error, ProgrammingError):
        raise error  # any other programming error is a bug: a 500, as without this handler
    # One line in the log, not a traceback per request while the database is down.
    logger.error("database unavailable during %s %s: %s", request.method, request.url.path, error)
    return _detail(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "The database is unavailable; try again shortly",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(ObjectDoesNotExist, _not_found)
    app.add_exception_handler(Conflict, _conflict)
    app.add_exception_handler(IntegrityError, _conflict)
    app.add_exception_handler(InvalidReference, _invalid_reference)
    app.add_exception_handler(UpstreamUnavailable, _upstream_unavailable)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(InterfaceError, _database_unavailable)
    app.add_exception_handler(ProgrammingError, _database_unavailable)
