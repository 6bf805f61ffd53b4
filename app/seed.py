"""The workshop's sample data: Hermann Hesse and three of his books. Idempotent: running it again
changes nothing, so ``make lab`` can run it every time."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from app.authors.models import Author
from app.books.models import Book

AUTHOR_NAME = "Hermann Hesse"
AUTHOR_BIO = "Hermann Karl Hesse was a German-Swiss poet, novelist, and painter."
BOOKS = [
    ("Siddhartha", "9780553208849", date(1922, 1, 1)),
    ("Steppenwolf", "9783518031599", date(1924, 1, 1)),
    ("The Glass Bead Game", "9780030818516", date(1943, 1, 1)),
]


@dataclass(frozen=True)
class SeedResult:
    authors_created: int
    books_created: int
    # What the database holds afterwards: on every later run nothing is created, and saying what
    # is there reads as the success it is.
    authors_total: int
    books_total: int

    def summary(self) -> str:
        there = f"holds {self.authors_total} author(s) and {self.books_total} book(s)"
        if self.authors_created or self.books_created:
            return (
                f"Seeded: {self.authors_created} author(s) and {self.books_created} book(s) "
                f"created. The database now {there}."
            )
        return f"Sample data already there, nothing to add: the database {there}."


def seed() -> SeedResult:
    """Create what is missing; leave what is there (matched by author name and by ISBN)."""
    with transaction.atomic():
        author, author_created = Author.objects.get_or_create(
            name=AUTHOR_NAME, defaults={"bio": AUTHOR_BIO}
        )
        books_created = 0
        for title, isbn, published in BOOKS:
            _, created = Book.objects.get_or_create(
                isbn=isbn,
                defaults={"title": title, "author": author, "publication_date": published},
            )
            books_created += created
        return SeedResult(
            authors_created=int(author_created),
            books_created=books_created,
            authors_total=Author.objects.count(),
            books_total=Book.objects.count(),
        )
