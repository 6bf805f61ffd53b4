"""Field types shared by the schemas and the routes' path and query parameters."""

from typing import Annotated

from pydantic import Field

# Databases store ids as signed 64-bit integers; a larger number must be a 422, not an overflow.
MAX_DATABASE_ID = 2**63 - 1

DatabaseId = Annotated[int, Field(gt=0, le=MAX_DATABASE_ID)]
