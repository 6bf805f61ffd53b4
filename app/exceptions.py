"""What can go wrong in the domain, in words the services understand.

Services and repositories raise these; ``app/errors.py`` decides how each answers over HTTP (one
handler per status). Keeping them free of FastAPI is what lets a service be unit-tested without a
web framework.
"""

from django.core.exceptions import ObjectDoesNotExist


class BooksAppError(Exception):
    """Base class: every subclass has a message meant for the API's client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BooksAppError, ObjectDoesNotExist):
    """The row asked for does not exist (HTTP 404).

    A kind of Django's ``ObjectDoesNotExist``, so a repository's ``NotFound`` and a
    ``Model.DoesNotExist`` that code lets propagate take the same road to the same 404.
    """

    def __init__(self, kind: str, identifier: object) -> None:
        what = kind if identifier is None else f"{kind} {identifier}"
        super().__init__(f"{what} not found")


class Conflict(BooksAppError):
    """The change would break a uniqueness or protection rule (HTTP 409)."""


class InvalidReference(BooksAppError):
    """A request body points at a row that does not exist (HTTP 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UpstreamUnavailable(BooksAppError):
    """A service we depend on is down or too slow (HTTP 503)."""
