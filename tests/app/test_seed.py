"""`manage.py seed` (app/seed.py): the first run says what it created, every later run says what is
there, so a second `make lab` does not read like a failure."""

from tests.servers import manage, server_env


def test_first_run_creates_and_later_runs_say_what_is_there(tmp_path):
    env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'seed.sqlite3'}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    first = manage("seed", env=env).stdout.strip()
    assert first == (
        "Seeded: 1 author(s) and 3 book(s) created. The database now holds 1 author(s) and 3 book(s)."
    )
    again = manage("seed", env=env).stdout.strip()
    assert again == (
        "Sample data already there, nothing to add: the database holds 1 author(s) and 3 book(s)."
    )
