"""Exercise 05: ``truncate_all_tables(using)`` on every database the run can reach.

Always on the test database (SQLite by default). When that is PostgreSQL, also on an extra SQLite
database made for this module, so the SQLite branch is graded too.
"""

from collections.abc import Iterator
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from workshop.grading.checks import calling, fail

EXERCISE = "ex05_truncating_fixture"
EXTRA_SQLITE = "grading_sqlite"
APP_TABLES = {"authors_author", "books_book", "auth_user", "django_session", "django_admin_log"}


def _vendors() -> list[str]:
    default = connections[DEFAULT_DB_ALIAS].vendor
    return [default] if default == "sqlite" else [default, "sqlite"]


@pytest.fixture(scope="module")
def extra_sqlite(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A second, migrated SQLite database (only used when the default one is PostgreSQL)."""
    from django.core.management import call_command

    path = tmp_path_factory.mktemp("ex05") / "grading.sqlite3"
    connections.settings[EXTRA_SQLITE] = connections.configure_settings(
        {
            DEFAULT_DB_ALIAS: {},
            EXTRA_SQLITE: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        }
    )[EXTRA_SQLITE]
    with django_db_blocker.unblock():
        call_command("migrate", database=EXTRA_SQLITE, verbosity=0, interactive=False)
        yield EXTRA_SQLITE
        connections[EXTRA_SQLITE].close()
    del connections[EXTRA_SQLITE]
    del connections.settings[EXTRA_SQLITE]


@pytest.fixture(params=_vendors())
def using(request: pytest.FixtureRequest, db: None) -> str:
    if request.param == connections[DEFAULT_DB_ALIAS].vendor:
        return DEFAULT_DB_ALIAS
    return request.getfixturevalue("extra_sqlite")


def fill(using: str) -> None:
    """Rows in the app's tables, foreign keys between them included."""
    from django.contrib.auth.models import User

    from app.authors.models import Author
    from app.books.models import Book

    for number in range(3):
        author = Author.objects.using(using).create(name=f"Author {number}")
        Book.objects.using(using).create(
            title=f"Book {number}", author=author, isbn=f"{9780000000000 + number}",
            publication_date=date(2000, 1, 1),
        )  # fmt: skip
    User.objects.db_manager(using).create_user("learner", password=None)


def truncate(module: ModuleType, using: str) -> Any:
    vendor = connections[using].vendor
    with calling(EXERCISE, f"truncate_all_tables({using!r}) on {vendor}"):
        try:
            return module.truncate_all_tables(using)
        except NotImplementedError:
            raise
        except Exception as error:
            fail(
                EXERCISE,
                "error",
                f"truncate_all_tables() on {vendor} raised {type(error).__name__}: {error}",
            )


def test_empties_the_app_tables(module: ModuleType, using: str) -> None:
    from django.contrib.auth.models import User

    from app.authors.models import Author
    from app.books.models import Book

    fill(using)
    truncate(module, using)
    left = {
        model.__name__: model.objects.using(using).count()
        for model in (Author, Book, User)
        if model.objects.using(using).exists()
    }
    if left:
        fail(EXERCISE, "wrong", f"rows left after truncating ({connections[using].vendor}): {left}")


def test_restarts_the_ids(module: ModuleType, using: str) -> None:
    from app.authors.models import Author

    fill(using)
    truncate(module, using)
    author = Author.objects.using(using).create(name="First again")
    if author.pk != 1:
        fail(
            EXERCISE, "wrong",
            f"after truncating, the next author got id {author.pk}, not 1: reset the id counters "
            "(RESTART IDENTITY on PostgreSQL, sqlite_sequence on SQLite)",
        )  # fmt: skip


def test_returns_the_emptied_tables_and_keeps_the_kept_ones(module: ModuleType, using: str) -> None:
    """KEEP is checked on tables the learner's code lists (django_table_names() includes
    django_content_type and auth_permission), so ignoring it loses this point."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    kept_before = {
        "django_content_type": ContentType.objects.using(using).count(),
        "auth_permission": Permission.objects.using(using).count(),
    }
    tables = truncate(module, using)
    if not isinstance(tables, list) or not set(tables) >= APP_TABLES:
        fail(
            EXERCISE,
            "wrong",
            f"should return the emptied tables (including {sorted(APP_TABLES)}), got {tables!r}",
        )
    kept_after = {
        "django_content_type": ContentType.objects.using(using).count(),
        "auth_permission": Permission.objects.using(using).count(),
    }
    emptied = sorted(
        table for table in kept_before if kept_after[table] != kept_before[table] or table in tables
    )
    if emptied:
        fail(
            EXERCISE, "wrong",
            f"{', '.join(emptied)} emptied: `migrate` fills the tables in KEEP and the app never "
            "writes them, so leave them as they are",
        )  # fmt: skip


def test_leaves_foreign_keys_enforced(module: ModuleType, using: str) -> None:
    from django.db import IntegrityError, transaction

    from app.books.models import Book

    truncate(module, using)
    try:
        with transaction.atomic(using=using):
            Book.objects.using(using).create(
                title="Orphan",
                author_id=4242,
                isbn="9780000000999",
                publication_date=date(2000, 1, 1),
            )
    except IntegrityError:
        return
    fail(
        EXERCISE, "wrong",
        "after truncating, a book pointing at a missing author was accepted: foreign-key checks "
        "were left off (turn them back on after the DELETEs)",
    )  # fmt: skip
