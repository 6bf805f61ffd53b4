from django.core.exceptions import ValidationError
from django.db import models

from app.authors.models import Author
from app.books.isbn import normalize_isbn


def validate_isbn(value: str) -> None:
    try:
        normalize_isbn(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class Book(models.Model):
    title = models.CharField(max_length=300)
    # PROTECT: deleting an author who still has books is refused, never cascaded.
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="books")
    isbn = models.CharField(max_length=13, unique=True, validators=[validate_isbn])
    publication_date = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Store the normalised form whatever the admin user typed."""
        if self.isbn:
            try:
                self.isbn = normalize_isbn(self.isbn)
            except ValueError as error:
                raise ValidationError({"isbn": str(error)}) from None
