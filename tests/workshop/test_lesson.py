"""``workshop.lesson.use_lesson_database``: a lesson's setup cell run again is harmless, any other
late call says how to start again; on PostgreSQL the database it drops and creates is always
named ``lesson_...``, so a lesson can never drop one of yours, and the prefix is not doubled."""

import os

import psycopg
import pytest

from tests.servers import REPOSITORY_ROOT, run_python, server_env

RERUN_SCRIPT = """
import os
from workshop.lesson import use_lesson_database
name = os.environ["LESSON_NAME"]
print(use_lesson_database(name))
from app.authors.models import Author
Author.objects.create(name="Written by an earlier cell")
print(use_lesson_database(name))  # the setup cell, run again
print(Author.objects.filter(name="Written by an earlier cell").count())
try:
    use_lesson_database(name + "_other")
except RuntimeError as error:
    print(error)
"""


def test_running_the_setup_cell_again_is_a_no_op_and_other_misuse_says_restart(tmp_path):
    name = f"rerun_check_{os.getpid()}"
    env = server_env(LESSON_NAME=name)
    env.pop("DATABASE_URL", None)
    try:
        completed = run_python("-c", RERUN_SCRIPT, env=env)
        assert completed.returncode == 0, completed.stderr
        first, again, kept, message = completed.stdout.splitlines()
        assert (first, again, kept) == ("sqlite", "sqlite", "1")
        assert f"use_lesson_database('{name}_other') must run before Django is set up" in message
        assert f"(for '{name}')" in message
        assert "Kernel › Restart Kernel and Run All Cells" in message  # noqa: RUF001
    finally:
        for leftover in (REPOSITORY_ROOT / "var" / "lessons").glob(f"{name}*"):
            leftover.unlink()


SCRIPT = """
import sys
from workshop.lesson import use_lesson_database
print(use_lesson_database(sys.argv[1]))
from django.db import connection
print(connection.settings_dict["NAME"])
connection.close_pool()
"""


@pytest.mark.postgresql
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
