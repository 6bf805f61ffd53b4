"""``workshop.lesson.use_lesson_database`` on PostgreSQL: the database it drops and creates is always
named ``lesson_...``, so a lesson can never drop one of yours, and the prefix is not doubled."""

import psycopg
import pytest

from tests.servers import run_python, server_env

pytestmark = pytest.mark.postgresql

SCRIPT = """
import sys
from workshop.lesson import use_lesson_database
print(use_lesson_database(sys.argv[1]))
from django.db import connection
print(connection.settings_dict["NAME"])
connection.close_pool()
"""


@pytest.mark.parametrize(
    ("name", "database"),
    [("lesson_naming_check", "lesson_naming_check"), ("naming_check", "lesson_naming_check")],
)
def test_lesson_databases_are_always_prefixed_once(postgresql_url, name, database):
    try:
        completed = run_python("-c", SCRIPT, name, env=server_env(DATABASE_URL=postgresql_url))
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout.split() == ["postgresql", database]
        with psycopg.connect(postgresql_url, autocommit=True) as server:
            (exists,) = server.execute(
                "SELECT count(*) FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
        assert exists == 1
    finally:
        with psycopg.connect(postgresql_url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
