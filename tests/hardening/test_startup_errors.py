"""A wrong configuration stops the app at once, in one line that names what to fix.

Each case runs the real entry points (``manage.py`` and ``uvicorn app.main:app``) in a child
process with the bad environment, and reads what a person would read: the exit status and the
error lines. "Unreachable" uses a free loopback port where nothing listens, so no PostgreSQL
server is needed for these tests.
"""

import pytest

from tests.servers import UVICORN, free_port, run_python, server_env

MALFORMED_URLS = ["nonsense", "postgresql://user:secret@host:notaport/db", "mysql://u@h/db"]


def error_lines(output: str) -> list[str]:
    """The lines a person reads as errors: uvicorn's ERROR lines, or everything else there is."""
    lines = [line for line in output.splitlines() if line.strip()]
    uvicorn_errors = [line for line in lines if line.startswith("ERROR:")]
    return uvicorn_errors or lines


def unreachable_url() -> str:
    return f"postgresql://postgres:s3cret@127.0.0.1:{free_port()}/books"


def run_uvicorn(env: dict[str, str]) -> tuple[int, str]:
    result = run_python(
        *UVICORN[1:], "app.main:app", "--host", "127.0.0.1", "--port", str(free_port()), env=env
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_manage_py_names_a_malformed_database_url_in_one_line(url: str) -> None:
    result = run_python("manage.py", "migrate", env=server_env(DATABASE_URL=url))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    [line] = error_lines(result.stderr)
    assert "DATABASE_URL" in line
    assert "secret" not in line  # the password is not echoed


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_uvicorn_names_a_malformed_database_url_in_one_line(url: str) -> None:
    status, output = run_uvicorn(server_env(DATABASE_URL=url))
    assert status != 0
    assert "Traceback" not in output
    [line] = error_lines(output)
    assert "DATABASE_URL" in line
    assert "secret" not in line


def test_manage_py_names_an_unreachable_database_url_in_one_line() -> None:
    env = server_env(DATABASE_URL=unreachable_url(), DB_POOL_TIMEOUT="1", DB_CONNECT_TIMEOUT="2")
    result = run_python("manage.py", "migrate", env=env)
    print(f"\n  manage.py migrate -> exit {result.returncode}: {result.stderr.strip()}")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = error_lines(result.stderr)
    assert "DATABASE_URL=" in line
    assert "Connection refused" in line
    assert "s3cret" not in line


def test_uvicorn_refuses_to_start_on_an_unreachable_database_url() -> None:
    env = server_env(DATABASE_URL=unreachable_url(), DB_CONNECT_TIMEOUT="2")
    status, output = run_uvicorn(env)
    print(f"\n  uvicorn -> exit {status}: {error_lines(output)}")
    assert status != 0
    assert "Traceback" not in output
    problem, *rest = error_lines(output)
    assert "DATABASE_URL=" in problem
    assert "Connection refused" in problem
    assert "s3cret" not in output
    assert rest == ["ERROR:    Application startup failed. Exiting."]  # uvicorn's own last word


@pytest.mark.parametrize("entry_point", ["manage.py", "uvicorn"])
def test_debug_off_without_secret_key_refuses_to_start(entry_point: str) -> None:
    env = server_env(DEBUG="0")
    env.pop("SECRET_KEY", None)
    if entry_point == "manage.py":
        result = run_python("manage.py", "check", env=env)
        status, output = result.returncode, result.stderr
    else:
        status, output = run_uvicorn(env)
    assert status != 0
    assert "Traceback" not in output
    [line] = error_lines(output)
    assert "SECRET_KEY" in line
    assert "DEBUG" in line
