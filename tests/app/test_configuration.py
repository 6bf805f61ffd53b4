"""Settings from the environment, and the errors a newcomer sees when one is wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from app.config import database_settings, env_bool
from tests.servers import REPOSITORY_ROOT, server_env


def run_code(code: str, cwd: Path = REPOSITORY_ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=server_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("url", ["foo://bar", "not a url", "postgresql://host:5432/"])
def test_malformed_database_url_is_explained(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_settings(url, tmp_path / "x.sqlite3")


def test_password_is_not_echoed_in_the_error(tmp_path):
    with pytest.raises(ImproperlyConfigured) as caught:
        database_settings("mysqlx://me:s3cret@host/db", tmp_path / "x.sqlite3")
    assert "s3cret" not in str(caught.value)


def test_postgresql_uses_the_pool_without_persistent_connections(tmp_path):
    config = database_settings("postgresql://postgres@127.0.0.1:5432/books", tmp_path / "x")
    assert config["OPTIONS"]["pool"]["max_size"] >= 1
    assert (config["CONN_MAX_AGE"], config["CONN_HEALTH_CHECKS"]) == (0, True)


def test_sqlite_test_database_is_not_the_workshop_database(tmp_path):
    config = database_settings(None, tmp_path / "books.sqlite3")
    assert config["NAME"] == str(tmp_path / "books.sqlite3")
    assert config["TEST"]["NAME"] == str(tmp_path / f"books_test_{os.getpid()}.sqlite3")


@pytest.mark.parametrize(("raw", "value"), [("1", True), ("off", False), ("TRUE", True)])
def test_env_bool(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not value) is value


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG='maybe'"):
        env_bool("FLAG", True)


def test_default_database_is_the_same_file_from_any_directory(tmp_path):
    code = "from app.bootstrap import setup_django; setup_django(); from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    here = run_code(code, DATABASE_URL="").stdout.strip()
    elsewhere = run_code(code, cwd=tmp_path, DATABASE_URL="").stdout.strip()
    assert here == elsewhere == str(REPOSITORY_ROOT / "var" / "books.sqlite3")


def test_manage_py_explains_a_malformed_database_url_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPOSITORY_ROOT,
        env=server_env(DATABASE_URL="foo://nowhere"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("Configuration error: DATABASE_URL='foo://nowhere'")


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_code("import app.main", DEBUG="0", SECRET_KEY="")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY is not set and DEBUG is off" in result.stderr


def test_bootstrap_is_idempotent():
    code = (
        "import django; calls = []; real = django.setup\n"
        "django.setup = lambda *a, **k: (calls.append(1), real(*a, **k))\n"
        "from app.bootstrap import setup_django\n"
        "setup_django(); setup_django(); setup_django()\n"
        "from app.books.models import Book; print(len(calls), Book._meta.label)"
    )
    assert run_code(code).stdout.split() == ["1", "books.Book"]


def test_importing_a_model_before_setup_fails():
    result = run_code("import app.books.models", DJANGO_SETTINGS_MODULE="app.settings")
    assert "django.core.exceptions.AppRegistryNotReady: Apps aren't loaded yet." in result.stderr


def test_seed_twice_changes_nothing(db):
    from app.authors.models import Author
    from app.books.models import Book
    from app.seed import seed

    assert seed().books_created == 3
    snapshot = list(Book.objects.values_list("id", "title", "isbn", "publication_date"))
    assert (seed().authors_created, seed().books_created) == (0, 0)
    assert list(Book.objects.values_list("id", "title", "isbn", "publication_date")) == snapshot
    assert Author.objects.count() == 1
