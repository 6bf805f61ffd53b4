"""Schemathesis against the app's own OpenAPI document: no 5xx, every response as documented.

Bounded and repeatable: at most ``MAX_EXAMPLES`` generated cases per operation (plus the
examples and coverage cases schemathesis derives from the schema), derandomized, and no
Hypothesis example database, so a run writes nothing into the repository. Requests go through
schemathesis' in-process ASGI client; the Open Library client is replaced by a fake, so the
import route never reaches the internet. Runs on whichever database the suite runs on (SQLite
by default, PostgreSQL under ``make test-postgresql``, where NUL bytes in text once gave 500s).
``test_live_uvicorn_conforms_to_its_schema`` runs schemathesis' CLI against a live uvicorn over
HTTP, with a fake Open Library server. Run with ``-s`` to see the counts.
"""

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.books.dependencies import get_open_library_client
from app.books.openlibrary import CatalogueEntry
from app.main import app
from tests.fake_open_library import OpenLibraryHandler, serving
from tests.servers import live_server, manage, server_env

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,  # what the schema calls invalid must not be accepted
]

schema = schemathesis.openapi.from_dict(app.openapi())
schema.app = app

STATUSES: Counter[tuple[str, int]] = Counter()
NUL_BODIES: Counter[int] = Counter()  # how often a body carried a NUL character (PostgreSQL's bane)


class FakeCatalogue:
    """Knows every ISBN ending in an even digit; the real client is tested in tests/app."""

    async def find_by_isbn(self, isbn: str) -> CatalogueEntry | None:
        if isbn[-1] in "02468":
            return CatalogueEntry("Fuzzed title", "Fuzzed author", date(1999, 12, 31))
        return None


async def fake_open_library_client() -> FakeCatalogue:
    return FakeCatalogue()


@pytest.fixture(autouse=True)
def offline() -> Iterator[None]:
    app.dependency_overrides[get_open_library_client] = fake_open_library_client
    yield
    app.dependency_overrides.pop(get_open_library_client, None)


@pytest.fixture(scope="module", autouse=True)
def report_counts() -> Iterator[None]:
    yield
    by_status = Counter(status for (_, status) in STATUSES.elements())
    print(
        f"\n  schemathesis: {STATUSES.total()} requests over {len({op for op, _ in STATUSES})} "
        f"operations; by status {dict(sorted(by_status.items()))}; "
        f"bodies with NUL: {dict(NUL_BODIES)}"
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # Rows accumulate across one operation's examples on purpose (ids the fuzzer guesses may
    # exist); the database is emptied between operations by the `db` fixture.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, seeded: None) -> None:
    response = case.call()
    STATUSES[(case.operation.label, response.status_code)] += 1
    if "\x00" in repr(case.body) or "\\x00" in repr(case.body):
        NUL_BODIES[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


# --- The same checks against a live uvicorn -------------------------------------------------
# In-process calls skip what only a real server does: HTTP parsing, uvicorn's proxy headers, the
# app's middleware stack as deployed. Here the schema is read from the running server and every
# case goes over a socket; Open Library is a small fake HTTP server with the FakeCatalogue's rule.


class FakeOpenLibrary(OpenLibraryHandler):
    """/api/books like Open Library: knows every ISBN ending in an even digit."""

    def record(self, key: str) -> dict[str, object] | None:
        if key[-1] not in "02468":
            return None
        return {
            "title": "Fuzzed title",
            "authors": [{"name": "Fuzzed author"}],
            "publish_date": "1999",
        }


def test_live_uvicorn_conforms_to_its_schema(tmp_path: Path) -> None:
    """schemathesis' own CLI, every check and phase (examples, coverage, fuzzing, stateful),
    against `uvicorn app.main:app` on a seeded database of its own."""
    with serving(FakeOpenLibrary) as open_library_url:
        env = server_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'fuzz.sqlite3'}", OPEN_LIBRARY_URL=open_library_url
        )
        manage("migrate", "--no-input", "-v", "0", env=env)
        manage("seed", env=env)
        with live_server(env) as server:
            command = [
                str(Path(sys.executable).with_name("st")),
                "run",
                f"{server.base_url}/openapi.json",
                "--checks=all",
                f"--max-examples={MAX_EXAMPLES}",
                "--seed=20261201",
                "--generation-database=:memory:",
                "--no-color",
            ]
            # cwd: the CLI writes its cache (.schemathesis/) where it runs, never in the repo.
            result = subprocess.run(
                command, cwd=tmp_path, capture_output=True, text=True, timeout=900
            )
    summary = [line for line in result.stdout.splitlines() if "generated" in line]
    print(f"\n  schemathesis against live uvicorn: {summary}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
