"""Solution to exercise 07: a two-step change, atomic, called from async code.

``transaction.atomic`` belongs to one connection on one thread and cannot span ``await``s. So the
whole unit of work is ONE sync function, and async code calls it once through ``sync_to_async``.
"""

from asgiref.sync import sync_to_async
from django.db import transaction

from app.authors.models import Author
from app.books.models import Book
from app.exceptions import NotFound


def _transfer_books(from_author_id: int, to_author_id: int) -> int:
    if from_author_id == to_author_id:
        raise ValueError("an author's books cannot be transferred to the same author")
    with transaction.atomic():
        authors = Author.objects.select_for_update().in_bulk([from_author_id, to_author_id])
        for author_id in (from_author_id, to_author_id):
            if author_id not in authors:
                raise NotFound("Author", author_id)
        # Step one: the books change author. Step two: the author, now without books, goes.
        moved = Book.objects.filter(author_id=from_author_id).update(author_id=to_author_id)
        authors[from_author_id].delete()
    return moved


async def transfer_books(from_author_id: int, to_author_id: int) -> int:
    """Give every book of one author to another, then delete the first: both steps or neither.

    Returns how many books moved. Raises NotFound if either author is missing, ValueError if the
    two ids are the same.
    """
    return await sync_to_async(_transfer_books)(from_author_id, to_author_id)
