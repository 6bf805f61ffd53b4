"""Response models that read a lazy relation: ``book.author`` is a query, made while FastAPI
validates the response. Shared by the in-process tests (tests/app/test_db.py) and the live probe
app (tests/app/probe_app.py)."""

from pydantic import BaseModel, ConfigDict


class AuthorName(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    name: str


class BookWithAuthor(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    title: str
    author: AuthorName  # book.author: a query, made while FastAPI validates the response
