"""The app's path and query parameters (as in ``app.books.routes``), without importing Django,
so the no-ORM ceilings validate input exactly as the app does but never load the ORM."""

from typing import Annotated

from fastapi import Path, Query

from app.fields import MAX_DATABASE_ID

BookId = Annotated[int, Path(gt=0, le=MAX_DATABASE_ID)]
Skip = Annotated[int, Query(ge=0, le=1_000_000)]
Limit = Annotated[int, Query(ge=1, le=100)]
