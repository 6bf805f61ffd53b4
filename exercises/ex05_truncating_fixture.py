"""Exercise 05 · Write the truncating fixture.

Goal: requests sent through ``TestClient`` run on other threads with other connections and commit
for real, so pytest-django's transaction rollback cannot undo them. Give every test empty tables
instead: write ``truncate_all_tables(using)``, which empties every table the app writes on the
database ``connections[using]`` and returns their names (the ``db`` fixture below calls it).

- PostgreSQL: one ``TRUNCATE ... RESTART IDENTITY CASCADE`` over the tables;
- SQLite (no TRUNCATE): ``DELETE FROM`` each table with foreign-key checks off (turn them back
  on afterwards!), then reset the id counters in ``sqlite_sequence``;
- afterwards every app table is empty and new rows get id 1 again;
- keep the tables in ``KEEP``: ``migrate`` fills them and the app never writes them.

It is graded on SQLite and, when ``DATABASE_URL`` points at PostgreSQL, on PostgreSQL too.

Hints (notebooks/05_testing_with_a_database.ipynb):
- sections 1 and 2, why pytest-django's rollback does not isolate this app's API tests;
- section 4, "The truncating fixture", and "What SQL does it run?";
- ``connection.introspection.django_table_names(only_existing=True)`` lists the tables,
  ``connection.vendor`` says "sqlite" or "postgresql", ``connection.ops.quote_name`` quotes names.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex05``.
"""

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS

KEEP = {"django_migrations", "django_content_type", "auth_permission"}


def truncate_all_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Empty every table the app writes and restart its ids; returns the emptied tables' names."""
    # TODO exercise 05: use django.db.connections[using]; TRUNCATE on PostgreSQL, DELETE on SQLite.
    raise NotImplementedError("TODO exercise 05: write truncate_all_tables()")


@pytest.fixture
def db(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Given: the fixture the lesson builds; every test starts and ends with empty tables."""
    with django_db_blocker.unblock():
        truncate_all_tables()
        yield
        truncate_all_tables()
