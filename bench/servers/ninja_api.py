"""Variant 6: the same two requests with Django Ninja's async operations."""

from datetime import date

from django.http import HttpRequest
from django.shortcuts import aget_object_or_404
from ninja import NinjaAPI, Query, Schema
from pydantic import Field

from app.books.models import Book

api = NinjaAPI(title="Books (Ninja benchmark variant)", docs_url=None)


class BookOut(Schema):
    id: int
    title: str
    author_id: int
    isbn: str
    publication_date: date


class Page(Schema):
    skip: int = Field(0, ge=0)
    limit: int = Field(20, ge=1, le=100)


@api.get("/books/", response=list[BookOut])
async def list_books(request: HttpRequest, page: Query[Page]) -> list[Book]:
    books = Book.objects.order_by("id")[page.skip : page.skip + page.limit]
    return [book async for book in books]


@api.get("/books/{book_id}", response=BookOut)
async def get_book(request: HttpRequest, book_id: int) -> Book:
    return await aget_object_or_404(Book, pk=book_id)
