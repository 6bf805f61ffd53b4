"""Field types shared by the schemas and the routes' path and query parameters."""

from typing import Annotated

from pydantic import Field

# Databases store ids as signed 64-bit integers; a larger number must be a 422, not an overflow.
MAX_DATABASE_ID = 2**63 - 1

DatabaseId = Annotated[int, Field(gt=0, le=MAX_DATABASE_ID)]

# PostgreSQL refuses NUL (0x00) in text ("text fields cannot contain NUL bytes"): without this
# pattern such a string passes validation and the INSERT fails with a 500. Checked in the schema,
# so SQLite (which would store it) answers the same 422 and the OpenAPI document says so.
NO_NUL_PATTERN = r"^[^\x00]*$"
