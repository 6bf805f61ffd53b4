"""Request and response bodies for the logged-in user and their reading list."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from app.books.schemas import ReadBookSchema
from app.fields import DatabaseId


class CurrentUserSchema(BaseModel):
    """Who the session belongs to: what a client needs, nothing of the password or permissions."""

    model_config = ConfigDict(from_attributes=True)

    id: DatabaseId
    username: str
    is_staff: bool


class AddToReadingListRequest(BaseModel):
    book_id: DatabaseId


class ReadingListEntrySchema(BaseModel):
    # Built from an entry fetched with select_related("book"): reading `entry.book` here must not
    # query (it would be a lazy relation read in async code, lesson 03).
    model_config = ConfigDict(from_attributes=True)

    book: ReadBookSchema
    added_at: datetime


class UserReadingListEntrySchema(ReadingListEntrySchema):
    """An entry of anyone's reading list, for readers allowed to see them all."""

    user_id: DatabaseId
