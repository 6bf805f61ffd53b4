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
    return SeedResult(authors_created=int(author_created), books_created=books_created)
