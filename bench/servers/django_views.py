"""Plain Django views answering the benchmark's two requests with the app's JSON.

Async views for variant 4 (Django's ASGI handler), sync views for variant 5 (WSGI). Query
parameters are checked as the app checks them (a bad one is a 422, never a 500).
"""

from typing import Any

from django.http import HttpRequest, JsonResponse

from app.books.models import Book

MAX_LIMIT = 100
_COMPACT = {"separators": (",", ":")}  # the bytes FastAPI sends: no spaces


def _as_json(book: Book) -> dict[str, Any]:
    return {
        "id": book.id,
        "title": book.title,
        "author_id": book.author_id,
        "isbn": book.isbn,
        "publication_date": book.publication_date.isoformat(),
    }


def _page(request: HttpRequest) -> tuple[int, int] | None:
    try:
        skip = int(request.GET.get("skip", 0))
        limit = int(request.GET.get("limit", 20))
    except ValueError:
        return None
    if skip < 0 or not 1 <= limit <= MAX_LIMIT:
        return None
    return skip, limit


def _invalid() -> JsonResponse:
    return JsonResponse({"detail": "skip >= 0 and 1 <= limit <= 100"}, status=422)


def _not_found(book_id: int) -> JsonResponse:
    return JsonResponse({"detail": f"Book {book_id} not found"}, status=404)


def _books(data: list[dict[str, Any]]) -> JsonResponse:
    return JsonResponse(data, safe=False, json_dumps_params=_COMPACT)


async def list_books(request: HttpRequest) -> JsonResponse:
    page = _page(request)
    if page is None:
        return _invalid()
    skip, limit = page
    return _books(
        [_as_json(book) async for book in Book.objects.order_by("id")[skip : skip + limit]]
    )


async def get_book(request: HttpRequest, book_id: int) -> JsonResponse:
    try:
        book = await Book.objects.aget(pk=book_id)
    except Book.DoesNotExist:
        return _not_found(book_id)
    return JsonResponse(_as_json(book), json_dumps_params=_COMPACT)


def list_books_sync(request: HttpRequest) -> JsonResponse:
    page = _page(request)
    if page is None:
        return _invalid()
    skip, limit = page
    return _books([_as_json(book) for book in Book.objects.order_by("id")[skip : skip + limit]])


def get_book_sync(request: HttpRequest, book_id: int) -> JsonResponse:
    try:
        book = Book.objects.get(pk=book_id)
    except Book.DoesNotExist:
        return _not_found(book_id)
    return JsonResponse(_as_json(book), json_dumps_params=_COMPACT)
