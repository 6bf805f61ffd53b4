"""What can go wrong in the domain, in words the services understand.

Services and repositories raise these; ``app.errors`` turns them into HTTP responses. Keeping
them free of FastAPI is what lets a service be unit-tested without a web framework.
"""


class BooksAppError(Exception):
    """Base class: every subclass has a message meant for the API's client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(BooksAppError):
    """The row asked for does not exist (HTTP 404)."""

    def __init__(self, kind: str, identifier: object) -> None:
        super().__init__(f"{kind} {identifier} not found")


class Conflict(BooksAppError):
    """The change would break a uniqueness or protection rule (HTTP 409)."""


class InvalidReference(BooksAppError):
    """A request body points at a row that does not exist (HTTP 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class UpstreamUnavailable(BooksAppError):
    """A service we depend on is down or too slow (HTTP 503)."""
