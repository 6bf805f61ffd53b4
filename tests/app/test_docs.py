"""`/docs` and `/redoc` (app/docs.py) load everything from the app itself: checked on the HTML, and
in Debian's Chromium with every other host unreachable, where Swagger UI's "Try it out" must work
for a GET and for creating an author, and ReDoc must render the API."""

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.servers import live_server, manage, server_env

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
# Every host name resolves to nothing, except the loopback address the app listens on.
NO_OTHER_HOST = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


@pytest.fixture(scope="module")
def client() -> TestClient:
    from app.main import app

    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_pages_name_no_other_host(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert re.findall(r"(?:src|href)=\"([^\"]+)\"", response.text)
    assert "http" not in response.text, response.text  # no CDN, no Google Fonts
    for url in re.findall(r"(?:src|href)=\"([^\"]+)\"|url: '([^']+)'", response.text):
        path = next(part for part in url if part)
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("asset", "content_type"),
    [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("redoc.standalone.js", "text/javascript"),
        ("favicon.png", "image/png"),
    ],
)
def test_assets_are_served_by_the_app(client: TestClient, asset: str, content_type: str) -> None:
    response = client.get(f"/docs/assets/{asset}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert len(response.content) > 1000


def test_the_docs_pages_stay_out_of_the_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith(("/docs", "/redoc"))]
    assert client.get("/docs/oauth2-redirect").status_code == 200


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    database = tmp_path_factory.mktemp("docs") / "docs.sqlite3"
    env = server_env(DATABASE_URL=f"sqlite:///{database}")
    manage("migrate", "--no-input", "-v", "0", env=env)
    with live_server(env) as running:
        yield running


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
)
def test_in_chromium_offline_try_it_out_works_for_a_get_and_creating_an_author(server) -> None:
    from playwright.sync_api import expect, sync_playwright

    elsewhere: list[str] = []
    failed: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-background-networking", NO_OTHER_HOST],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            # Every request the browser would send over the network passes here (a request the
            # page's Content-Security-Policy refuses never does): the app's go on, others are kept.
            def only_the_app(route: object) -> None:
                if route.request.url.startswith(server.base_url):  # type: ignore[attr-defined]
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    elsewhere.append(route.request.url)  # type: ignore[attr-defined]
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", only_the_app)
            page.on(
                "requestfailed", lambda request: failed.append(f"{request.url} {request.failure}")
            )
            page.goto(f"{server.base_url}/docs", wait_until="networkidle")
            expect(page.locator(".swagger-ui .title")).to_contain_text("Books App")

            listing = page.locator("#operations-Books-list_books_v0_books__get")
            listing.locator(".opblock-summary").click()
            listing.get_by_role("button", name="Try it out").click()
            listing.get_by_role("button", name="Execute").click()
            status = listing.locator(".live-responses-table tbody td.response-col_status")
            expect(status.first).to_have_text("200", timeout=15_000)

            create = page.locator("#operations-Authors-create_author_v0_authors__post")
            create.locator(".opblock-summary").click()
            create.get_by_role("button", name="Try it out").click()
            create.locator("textarea.body-param__text").fill(
                '{"name": "Ursula K. Le Guin", "bio": "Earthsea"}'
            )
            create.get_by_role("button", name="Execute").click()
            status = create.locator(".live-responses-table tbody td.response-col_status")
            expect(status.first).to_have_text("201", timeout=15_000)
            expect(create.locator(".live-responses-table .microlight").first).to_contain_text(
                "Ursula K. Le Guin"
            )
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            create.screenshot(path=str(SCREENSHOTS / "docs-offline-create-author.png"))

            page.goto(f"{server.base_url}/redoc", wait_until="networkidle")
            expect(page.locator("h1").first).to_contain_text("Books App", timeout=15_000)
            expect(page.get_by_role("heading", name="Create Author").first).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "redoc-offline.png"))
        finally:
            browser.close()
    assert elsewhere == []
    # What did fail, the browser refused itself: ReDoc's Redocly logo, by the page's policy.
    assert [failure for failure in failed if not failure.endswith(" csp")] == []
