"""Field types shared by the schemas and the routes' path and query parameters."""

import re
from datetime import date
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import BeforeValidator, Field

# The largest id the API accepts and documents. Databases store ids as signed 64-bit integers, so
# a larger number must be a 422, not an overflow; but 2**63 - 1 cannot be written exactly as a JSON
# number read into a double (JavaScript, and schemathesis, read it as 2**63), so clients that
# compare in floating point sent ids just above it as "valid" and got a 422. Below 2**53 every
# integer is exact in both readings: the schema and the validation agree for every number.
MAX_DATABASE_ID = 2**53 - 1

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

# Names and titles are stripped, then must not be empty: so the raw text must hold one character
# that is neither NUL nor whitespace. "Whitespace" is spelled out (Unicode's White_Space, what
# pydantic's strip removes) rather than written \s, which Python, Rust and JavaScript each read
# differently: schemathesis sent " " as a valid title when the schema said only minLength 1.
_WHITESPACE = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK_PATTERN = rf"^[^\x00]*[^\x00{_WHITESPACE}][^\x00]*$"


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
