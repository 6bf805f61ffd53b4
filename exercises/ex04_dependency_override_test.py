"""Exercise 04 · Write a test that replaces a dependency with ``app.dependency_overrides``.

Goal: test ``POST /v0/books/import`` (body ``{"isbn": "..."}``) WITHOUT the network. The route
looks the ISBN up in Open Library through the dependency
``app.books.dependencies.get_open_library_client``; replace it, in your test, with a fake
catalogue (an ``AsyncMock`` whose ``find_by_isbn`` returns an
``app.books.openlibrary.CatalogueEntry``, or ``None`` for an ISBN it does not know).

Write one or more ``test_...`` functions below. Each takes ``client``, a ``TestClient`` of
``app.main.app`` on an empty test database, and must set ``app.dependency_overrides`` itself.

How it is graded (like Brown's Examplar): your tests run against the correct app, where they must
pass, and against several versions of the app that each have ONE bug. Your score is the number of
buggy versions your tests catch (where at least one of them fails). A good test suite checks what
the route answers, what it stored, and what it asked the catalogue, for more than the happy path:
think about what an import can meet (authors and books already in the database, ISBNs nobody
knows). A test that asserts nothing catches nothing.

Hints (notebooks/04_dependency_injection.ipynb):
- the section on ``dependency_overrides``: an override in an API test;
- the section on the external book-lookup service replaced by an ``AsyncMock`` (as in the talk);
- ``mock.find_by_isbn.assert_awaited_once_with(...)`` checks what the app asked.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex04``.
"""

from starlette.testclient import TestClient


def test_import_book_with_a_fake_catalogue(client: TestClient) -> None:
    """TODO exercise 04: override get_open_library_client, import a book, check the result."""
