"""Request and response bodies for books."""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.books.isbn import normalize_isbn
from app.fields import NO_NUL_PATTERN, DatabaseId, IsoDate

Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NO_NUL_PATTERN),
]
Isbn = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(normalize_isbn),
    Field(examples=["978-0-553-20884-9"]),
]


class CreateBookRequest(BaseModel):
    title: Title
    author_id: DatabaseId
    isbn: Isbn
    publication_date: IsoDate


class UpdateBookRequest(BaseModel):
    """PATCH body: every field optional, each validated like on create, none may be null."""

    # default=None only makes a field optional: its type has no `| None`, so a null sent is a
    # 422. The checker cannot know pydantic never validates defaults: hence the ignores.
    title: Title = Field(default=None)  # type: ignore[assignment]
    author_id: DatabaseId = Field(default=None)  # type: ignore[assignment]
    isbn: Isbn = Field(default=None)  # type: ignore[assignment]
    publication_date: IsoDate = Field(default=None)  # type: ignore[assignment]


class ImportBookRequest(BaseModel):
    isbn: Isbn


class ReadBookSchema(BaseModel):
    # Built from the ORM object: `author_id` is a column, so no lazy relation is read here.
    model_config = ConfigDict(from_attributes=True)

    id: DatabaseId
    title: str
    author_id: DatabaseId
    isbn: str
    publication_date: date
