"""Exercise 07 · Make a two-step change atomic from async code.

Goal: ``await transfer_books(from_author_id, to_author_id)`` gives every book of one author to
another (step one), then deletes the first author (step two). Both steps or neither: if step two
fails, the books must still belong to the first author. It must:

- return how many books moved;
- raise ``app.exceptions.NotFound`` if either author does not exist, changing nothing;
- raise ``ValueError`` if both ids are the same, changing nothing.

``transaction.atomic`` does not work across ``await``s (and raises SynchronousOnlyOperation when
entered on the event loop's thread): put the whole unit of work in ONE sync function, inside
``transaction.atomic()``, and call that function once with ``sync_to_async``.

Hints (notebooks/07_connections_and_transactions.ipynb):
- the section on atomic blocks from async code, and what goes wrong with ``await`` inside
  ``atomic``;
- ``app/books/repository.py`` (``create_with_author``) does the same for an import.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex07``.
"""


async def transfer_books(from_author_id: int, to_author_id: int) -> int:
    """Give every book of one author to another, then delete the first: both steps or neither."""
    # TODO exercise 07: one sync function in transaction.atomic(), called with sync_to_async.
    raise NotImplementedError("TODO exercise 07: write transfer_books()")
