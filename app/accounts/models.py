from django.conf import settings
from django.db import models

from app.books.models import Book


class ReadingListEntry(models.Model):
    """A book on a user's reading list. The users are Django's own (``AUTH_USER_MODEL``): the
    ones who log in to the admin, and, through their session, to the API."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_list"
    )
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reading_list_entries")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "reading list entries"
        # The database, not a check before the insert, decides a race between two requests
        # adding the same book: exactly one wins, the others get an IntegrityError (409).
        constraints = [
            models.UniqueConstraint(fields=["user", "book"], name="one_entry_per_user_and_book")
        ]

    def __str__(self) -> str:
        return f"{self.book} on {self.user}'s reading list"
