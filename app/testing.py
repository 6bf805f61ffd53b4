"""Test support shared by the test suite, the notebooks and the grader.

Why truncate instead of rolling back? pytest-django's ``db`` fixture wraps each test in a
transaction on the *test's* thread. Requests sent through ``TestClient`` run on other threads,
with other connections: on PostgreSQL they commit for real and the rollback never undoes them,
so rows leak into the next test; on SQLite (IMMEDIATE transactions) the request waits for the
test's write lock instead, then fails with "database is locked" (lesson 05 shows both). Emptying
the tables after each test works whatever thread wrote them.
"""

from django.db import connection

# Filled by migrate and never written by the app: keeping them saves work and keeps the admin's
# permission lookups valid.
_KEEP = {"django_migrations", "django_content_type", "auth_permission"}


def truncate_all_tables() -> list[str]:
    """Empty every table the app writes and restart its id sequences; returns the table names.

    PostgreSQL: one ``TRUNCATE ... RESTART IDENTITY CASCADE``. SQLite has no TRUNCATE: delete
    every row with foreign-key checks off, then reset ``sqlite_sequence``.
    """
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - _KEEP)
    if not tables:
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(map(quote, tables))} RESTART IDENTITY CASCADE")
        elif connection.vendor == "sqlite":
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
