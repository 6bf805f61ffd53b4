"""Production settings: Django's deploy checklist passes, hosts are enforced, the API and the
admin get the same HTTPS protections from one decision, the admin is locked, and no secret sits
in the repository.

``check --deploy`` and the DEBUG=0 server run in child processes: settings are read once per
process, and the test process runs with the workshop's DEBUG=1 defaults.
"""

import re
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from tests.servers import REPOSITORY_ROOT, LiveServer, live_server, manage, server_env
from tests.servers import run_python as run_child

PRODUCTION_HOST = "books.example.com"


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The variables README's configuration table documents for production."""
    documented = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": PRODUCTION_HOST,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    return server_env(**{**documented, **overrides})


def test_check_deploy_reports_nothing_with_the_documented_variables(tmp_path: Path) -> None:
    result = run_child(
        "manage.py", "check", "--deploy", "--fail-level", "DEBUG", env=production_env(tmp_path)
    )
    print(f"\n  check --deploy: {result.stdout.strip()} {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


def test_check_deploy_does_catch_a_weak_secret_key(tmp_path: Path) -> None:
    """The check above could pass by checking nothing; here it must complain."""
    env = production_env(tmp_path, SECRET_KEY="short")
    result = run_child("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.fixture(scope="module")
def production_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = production_env(tmp_path_factory.mktemp("production"))
    manage("migrate", "--no-input", "-v", "0", env=env)
    with live_server(env) as server:
        yield server


def get(server: LiveServer, path: str, host: str, **headers: str) -> httpx2.Response:
    return httpx2.get(
        f"{server.base_url}{path}", headers={"host": host, **headers}, follow_redirects=False
    )


@pytest.mark.parametrize("path", ["/v0/books/", "/admin/", "/admin/login/"])
def test_allowed_hosts_is_enforced_for_api_and_admin(
    production_server: LiveServer, path: str
) -> None:
    refused = get(production_server, path, "attacker.example.net", **{"x-forwarded-proto": "https"})
    assert refused.status_code == 400
    # JSON like every other error, for the admin's paths too: the check runs before routing.
    assert refused.json() == {"detail": "Invalid host header: add it to ALLOWED_HOSTS"}
    allowed = get(production_server, path, PRODUCTION_HOST, **{"x-forwarded-proto": "https"})
    assert allowed.status_code in (200, 302)


def test_healthz_answers_the_containers_own_plain_http_check(production_server: LiveServer) -> None:
    """The Dockerfile's HEALTHCHECK: plain HTTP, Host 127.0.0.1, not in ALLOWED_HOSTS."""
    response = get(
        production_server, "/healthz", production_server.base_url.removeprefix("http://")
    )
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})


# What DEBUG=0 promises for a request that came over HTTPS, whichever half answers it.
SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains; preload",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


@pytest.mark.parametrize("path", ["/v0/books/", "/v0/authors/1", "/healthz", "/admin/login/"])
def test_api_and_admin_send_the_same_security_headers_behind_a_tls_proxy(
    production_server: LiveServer, path: str
) -> None:
    response = get(production_server, path, PRODUCTION_HOST, **{"x-forwarded-proto": "https"})
    sent = {name: response.headers.get(name) for name in SECURITY_HEADERS}
    print(f"\n  {path} -> {response.status_code} {sent}")
    assert sent == SECURITY_HEADERS


@pytest.mark.parametrize("path", ["/v0/books/?limit=5", "/admin/"])
def test_plain_http_is_redirected_to_https_for_api_and_admin(
    production_server: LiveServer, path: str
) -> None:
    plain = get(production_server, path, PRODUCTION_HOST)
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://{PRODUCTION_HOST}{path}"
    assert "strict-transport-security" not in plain.headers  # HSTS only over HTTPS


@pytest.fixture(scope="module")
def server_behind_an_untrusted_proxy(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServer]:
    """FORWARDED_ALLOW_IPS names another address, so our requests (from 127.0.0.1) are not the
    proxy's. SECURE_SSL_REDIRECT=0 lets each half answer and show what it believed."""
    env = production_env(
        tmp_path_factory.mktemp("untrusted"),
        FORWARDED_ALLOW_IPS="192.0.2.10",
        SECURE_SSL_REDIRECT="0",
    )
    manage("migrate", "--no-input", "-v", "0", env=env)
    with live_server(env) as server:
        yield server


@pytest.mark.parametrize("path", ["/v0/books/", "/admin/login/"])
def test_x_forwarded_proto_is_believed_only_from_forwarded_allow_ips(
    server_behind_an_untrusted_proxy: LiveServer, path: str
) -> None:
    """One trust decision for both halves: a client that is not the proxy cannot claim HTTPS,
    neither to the API nor to the admin (Django's SECURE_PROXY_SSL_HEADER would believe it)."""
    forged = get(
        server_behind_an_untrusted_proxy, path, PRODUCTION_HOST, **{"x-forwarded-proto": "https"}
    )
    assert forged.status_code == 200
    assert "strict-transport-security" not in forged.headers


def test_admin_needs_a_login_in_production(production_server: LiveServer) -> None:
    https = {"x-forwarded-proto": "https"}
    for path in ["/admin/", "/admin/books/book/", "/admin/authors/author/add/"]:
        response = get(production_server, path, PRODUCTION_HOST, **https)
        assert response.status_code == 302
        assert response.headers["location"].startswith("/admin/login/")
    login = get(production_server, "/admin/login/", PRODUCTION_HOST, **https)
    assert login.status_code == 200
    assert "csrftoken" in login.headers["set-cookie"]
    assert "Secure" in login.headers["set-cookie"]  # cookies only over HTTPS with DEBUG off
    # Plain HTTP to the admin is sent to HTTPS first.
    plain = get(production_server, "/admin/", PRODUCTION_HOST)
    assert plain.status_code == 301
    assert plain.headers["location"].startswith(f"https://{PRODUCTION_HOST}/admin/")


def test_admin_refuses_writes_without_login(client: TestClient) -> None:
    """In-process too: a POST to the admin without a session or CSRF token changes nothing."""
    response = client.post("/admin/authors/author/add/", data={"name": "Intruder"})
    assert response.status_code == 403
    assert client.get("/v0/authors/").json() == []
    assert client.get("/admin/authors/author/", follow_redirects=False).status_code == 302


def test_in_process_clients_with_a_foreign_host_are_refused(app: FastAPI) -> None:
    with TestClient(app, base_url="http://attacker.example.net") as foreign:
        assert foreign.get("/v0/books/").status_code == 400
        assert foreign.get("/admin/login/").status_code == 400


# --- no secret committed ------------------------------------------------------------------

# Words that mark a value as a placeholder or a deliberately non-production key.
PLACEHOLDER = re.compile(
    r"insecure|not-for-production|example|placeholder|change-?me|dummy|bench-only|test|\.\.\.",
    re.IGNORECASE,
)
PRIVATE_KEY = re.compile(r"-----BEGIN ([A-Z]+ )*PRIVATE KEY-----")
AWS_ACCESS_KEY = re.compile(r"\bAKIA[0-9A-Z]{16}\b")
ASSIGNED_SECRET = re.compile(
    r"""(SECRET_KEY|PASSWORD|API_KEY|TOKEN)["']?\s*[:=]\s*["']([^"'\s]{12,})["']""", re.IGNORECASE
)
# Files that are never deployed and hold throwaway credentials on purpose (e.g. the password of a
# superuser a test creates in its own database): only keys and tokens count there.
TEST_ONLY = ("tests/",)
KEY_FILE_NAMES = re.compile(r"(^|/)(\.env(\..*)?|.*\.(pem|key|p12|pfx)|id_(rsa|ed25519|ecdsa))$")
URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:([^@\s/]{12,})@")


def secrets_in(text: str, test_only: bool = False) -> list[str]:
    """What in ``text`` looks like a real secret (a placeholder is not one)."""
    found = [match.group(0) for match in PRIVATE_KEY.finditer(text)]
    found += [match.group(0) for match in AWS_ACCESS_KEY.finditer(text)]
    for pattern in () if test_only else (ASSIGNED_SECRET, URL_PASSWORD):
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if not PLACEHOLDER.search(value) and not value.startswith(("$", "{", "<")):
                found.append(match.group(0))
    return found


def test_the_scanner_finds_what_it_looks_for() -> None:
    """Built at run time, so this file itself holds nothing the scanner would flag."""
    key = "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIE..."
    assert secrets_in(key)
    assert secrets_in("AKIA" + "ABCDEFGHIJKLMNOP")
    assert secrets_in("SECRET_KEY = '" + secrets.token_urlsafe(40) + "'")
    assert secrets_in("postgresql://app:" + secrets.token_hex(16) + "@db.internal/books")
    assert not secrets_in('SECRET_KEY = "django-insecure-workshop-only-key"')
    assert not secrets_in("postgresql://user:password@host:5432/name")
    assert not secrets_in('PASSWORD = "workshop-password-123"', test_only=True)
    assert KEY_FILE_NAMES.search("deploy/.env") and KEY_FILE_NAMES.search("certs/server.pem")
    assert not KEY_FILE_NAMES.search("app/settings.py")


def test_no_secret_is_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPOSITORY_ROOT, capture_output=True, check=True, timeout=30
    ).stdout.decode()
    findings: list[str] = []
    scanned = 0
    for name in filter(None, tracked.split("\0")):
        path = REPOSITORY_ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        scanned += 1
        found = secrets_in(text, test_only=name.startswith(TEST_ONLY))
        findings += [f"{name}: {finding[:80]}" for finding in found]
        if KEY_FILE_NAMES.search(name):
            findings.append(f"{name}: a key or environment file is tracked")
    print(f"\n  scanned {scanned} tracked files for secrets: {len(findings)} found")
    assert scanned > 50
    assert findings == []
