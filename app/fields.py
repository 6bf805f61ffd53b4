"""Field types shared by the schemas and the routes' path and query parameters."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

# Databases store ids as signed 64-bit integers; a larger number must be a 422, not an overflow.
MAX_DATABASE_ID = 2**63 - 1

DatabaseId = Annotated[int, Field(gt=0, le=MAX_DATABASE_ID)]

# The books routes' path and query parameters. Here, not in app/books/routes.py, so that the
# benchmark's servers without the ORM (bench/servers/) validate exactly as the app does without
# importing Django.
BookId = Annotated[int, Path(gt=0, le=MAX_DATABASE_ID, description="The book's id")]
BookSkip = Annotated[int, Query(ge=0, le=1_000_000, description="How many books to skip")]
BookLimit = Annotated[int, Query(ge=1, le=100, description="How many books to return")]

# PostgreSQL refuses NUL (0x00) in text ("text fields cannot contain NUL bytes"): without this
# pattern such a string passes validation and the INSERT fails with a 500. Checked in the schema,
# so SQLite (which would store it) answers the same 422 and the OpenAPI document says so.
NO_NUL_PATTERN = r"^[^\x00]*$"


def _iso_date_text(value: Any) -> Any:
    """Pydantic's lax mode reads a number (and a numeric string) as a Unix timestamp, so
    ``"publication_date": 0`` became 1970-01-01 (found by schemathesis). Dates travel as
    ``YYYY-MM-DD`` text, as the OpenAPI document says; anything else is a 422."""
    if isinstance(value, date) or (
        isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    ):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_text)]
