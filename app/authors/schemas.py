"""Request and response bodies for authors."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.fields import NO_NUL_PATTERN, NOT_BLANK_PATTERN, DatabaseId

AuthorName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN
    ),
]
AuthorBio = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL_PATTERN)]


class CreateAuthorRequest(BaseModel):
    name: AuthorName
    bio: AuthorBio = ""


class UpdateAuthorRequest(BaseModel):
    """PATCH body: every field optional, each validated like on create, none may be null."""

    # default=None only makes a field optional: its type has no `| None`, so a null sent is a
    # 422. The checker cannot know pydantic never validates defaults: hence the ignores.
    name: AuthorName = Field(default=None)  # type: ignore[assignment]
    bio: AuthorBio = Field(default=None)  # type: ignore[assignment]


class ReadAuthorSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: DatabaseId
    name: str
    bio: str
