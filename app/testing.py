"""Test support shared by the test suite, the notebooks and the grader.

Why truncate instead of rolling back? pytest-django's ``db`` fixture (and ``django_db`` marker)
wraps each test in a transaction on the *test's* thread. This app runs each request's queries on a
thread of its own (``app.db``'s middleware; ``TestClient`` runs the app on its own thread too), with
another connection: on PostgreSQL the request commits for real and the rollback never undoes it, so
rows leak into the next test; on SQLite (IMMEDIATE transactions) the request waits for the test's
write lock instead, then fails with "database is locked" (lesson 05 shows both). pytest-django's
own answer, ``django_db(transaction=True)``, works too, but flushes every table and re-creates
content types and permissions after each test; emptying only the app's tables is cheaper, and
works whatever thread wrote them. Tests must ask for the ``db`` fixture by name: the ``django_db``
marker bypasses an override of it.
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
