"""Solution to exercise 05: empty the tables between tests, on SQLite and on PostgreSQL.

The same algorithm as ``app/testing.py`` (which the test suite uses), for any connection alias.
"""

from collections.abc import Iterator

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

# Filled by `migrate`, never written by the app: emptying them would break later migrations and the
# admin's permission lookups.
KEEP = {"django_migrations", "django_content_type", "auth_permission"}


def truncate_all_tables(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Empty every table the app writes and restart its ids; returns the emptied tables' names."""
    connection = connections[using]
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - KEEP)
    if not tables:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CASCADE: foreign keys between the tables; RESTART IDENTITY: ids start at 1 again.
            cursor.execute(f"TRUNCATE {', '.join(map(quote, tables))} RESTART IDENTITY CASCADE")
        elif connection.vendor == "sqlite":
            # No TRUNCATE in SQLite: delete with foreign-key checks off, then forget the counters.
            cursor.execute("PRAGMA foreign_keys = OFF")
            try:
                for table in tables:
                    cursor.execute(f"DELETE FROM {quote(table)}")
                placeholders = ", ".join("%s" for _ in tables)
                cursor.execute(
                    f"DELETE FROM sqlite_sequence WHERE name IN ({placeholders})", tables
                )
            finally:
                cursor.execute("PRAGMA foreign_keys = ON")
        else:
            raise NotImplementedError(f"truncate_all_tables does not support {connection.vendor}")
    return tables


@pytest.fixture
def db(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The fixture the lesson builds: every test starts and ends with empty tables."""
    with django_db_blocker.unblock():
        truncate_all_tables()
        yield
        truncate_all_tables()
