"""What can go wrong with a reading list, in the domain's words (mapped to HTTP by app.errors
through their base classes)."""

from app.exceptions import BooksAppError, NotFound


class NotOnReadingList(NotFound):
    """The book is not on this user's reading list (HTTP 404, as every NotFound)."""

    def __init__(self, book_id: int) -> None:
        BooksAppError.__init__(self, f"Book {book_id} is not on your reading list")
