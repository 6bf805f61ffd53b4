"""Request and response bodies for books."""

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.books.isbn import ISBN_PATTERN, STORED_ISBN_PATTERN, normalize_isbn
from app.fields import NOT_BLANK_PATTERN, DatabaseId, IsoDate

Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=300, pattern=NOT_BLANK_PATTERN
    ),
]
# Checked by normalize_isbn (its error message names the rule); the same ISBN_PATTERN is written
# into the OpenAPI schema, so clients and fuzzers that follow the schema send only valid ISBNs.
Isbn = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(normalize_isbn),
    Field(
        description="10 or 13 digits 0-9 (an ISBN-10 may end in X), hyphens and spaces allowed",
        examples=["978-0-06-093191-9"],
        json_schema_extra={"pattern": ISBN_PATTERN},
    ),
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
    isbn: Annotated[
        str,
        Field(
            description="As stored: 13 ASCII digits, or 10 ASCII characters (9 digits and a "
            "digit or X); no hyphens or spaces",
            pattern=STORED_ISBN_PATTERN,
        ),
    ]
    publication_date: date
