"""The built site in a real browser: Debian's Chromium driven by Playwright, served on 127.0.0.1.

Playwright is used with ``executable_path``: it never downloads a browser. Screenshots go to
build/screenshots/ for a person to look at.
"""

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.site.conftest import ROOT, BuiltSite

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "build" / "screenshots"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install chromium)"
)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(built_site: BuiltSite) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


class _Page:
    """A browser page that records console errors, page errors and requests leaving 127.0.0.1."""

    def __init__(self, browser: object, color_scheme: str = "light") -> None:
        self.context = browser.new_context(  # type: ignore[attr-defined]
            viewport={"width": 1280, "height": 900}, color_scheme=color_scheme
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("request", self._request)

    def _console(self, message: object) -> None:
        if message.type == "error":  # type: ignore[attr-defined]
            self.errors.append(f"console: {message.text}")  # type: ignore[attr-defined]

    def _request(self, request: object) -> None:
        host = urlsplit(request.url).hostname  # type: ignore[attr-defined]
        if host not in (None, "127.0.0.1"):
            self.outside.append(request.url)  # type: ignore[attr-defined]

    def goto(self, url: str, wait_until: str = "networkidle") -> None:
        response = self.page.goto(url, wait_until=wait_until)
        assert response is not None and response.status == 200, url

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: object) -> Iterator[_Page]:
    tab = _Page(browser)
    yield tab
    tab.close()


class _NavLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        href = values.get("href")
        if tag == "a" and href and "md-nav__link" in (values.get("class") or ""):
            self.links.append(href)


def _navigation_urls(built_site: BuiltSite, base: str) -> list[str]:
    parser = _NavLinks()
    parser.feed((built_site.path / "index.html").read_text(encoding="utf-8"))
    urls = {urljoin(base, href.split("#")[0]) for href in parser.links}
    return sorted(url for url in urls if url.startswith(base))


def _shot(page: _Page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def test_every_page_in_the_navigation_loads_without_console_errors(
    built_site: BuiltSite, site_url: str, page: _Page
) -> None:
    urls = _navigation_urls(built_site, site_url)
    assert len(urls) >= 8, urls
    for url in urls:
        # "load" plus two animation frames lets the page's scripts run (networkidle would add
        # half a second of waiting per page); the other tests wait for the network to go idle.
        page.goto(url, wait_until="load")
        page.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        assert page.page.locator("article h1").count() >= 1, url
    assert page.errors == []
    assert page.outside == []
    page.goto(site_url)
    _shot(page, "home")


def test_lesson_page_shows_outputs_and_the_coloured_traceback(site_url: str, page: _Page) -> None:
    lessons = sorted((ROOT / "notebooks").glob("02_*.ipynb"))
    if not lessons:
        pytest.skip("notebooks/02_*.ipynb is not written yet")
    page.goto(f"{site_url}lessons/{lessons[0].stem}/")
    outputs = page.page.locator(".jp-OutputArea-output")
    assert outputs.count() > 0
    traceback = page.page.locator(
        ".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']",
        has_text="SynchronousOnlyOperation",
    )
    assert traceback.count() >= 1
    coloured = traceback.first.locator("span[class*='ansi-']")
    assert coloured.count() > 0
    color = coloured.first.evaluate("e => getComputedStyle(e).color")
    assert color not in ("rgb(0, 0, 0)", ""), color
    # The screenshot shows the traceback's last lines: the exception and its message.
    traceback.first.evaluate("e => e.scrollIntoView({block: 'end'})")
    _shot(page, "lesson-02-traceback")
    assert page.errors == []


def test_diagrams_in_notebooks_are_drawn(site_url: str, page: _Page) -> None:
    with_diagrams = [
        path
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        if "```mermaid" in path.read_text(encoding="utf-8")
    ]
    if not with_diagrams:
        pytest.skip("no lesson has a Mermaid diagram")
    page.goto(f"{site_url}lessons/{with_diagrams[0].stem}/")
    diagram = page.page.locator(".jp-Mermaid div.mermaid").first
    diagram.wait_for(timeout=15_000)
    diagram.scroll_into_view_if_needed()
    assert diagram.bounding_box()["height"] > 50
    _shot(page, f"lesson-{with_diagrams[0].stem[:2]}-diagram")
    assert page.errors == []
    assert page.outside == []


def test_search_finds_sync_to_async(site_url: str, page: _Page) -> None:
    page.goto(site_url)
    search = page.page.locator("input.md-search__input")
    search.click(force=True)  # the input hides behind its label on wide screens
    search.press_sequentially("sync_to_async", delay=10)  # Material searches on key events
    results = page.page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0
    assert "sync_to_async" in page.page.locator(".md-search-result").inner_text()
    _shot(page, "search-sync_to_async")
    assert page.errors == []


def test_diagrams_render_and_the_solution_opens(site_url: str, page: _Page) -> None:
    page.goto(f"{site_url}reference/architecture/")
    diagrams = page.page.locator("div.mermaid")
    diagrams.first.wait_for(timeout=15_000)
    assert diagrams.count() == 2
    # Material draws each diagram in a shadow root: a drawn diagram has a real height.
    heights = [diagrams.nth(i).bounding_box()["height"] for i in range(2)]
    assert min(heights) > 100, heights
    _shot(page, "architecture", full_page=True)
    exercises = sorted((ROOT / "exercises").glob("ex03_*.py"))
    if exercises:
        page.goto(f"{site_url}exercises/{exercises[0].stem}/")
        solution = page.page.locator("details.success")
        assert solution.get_attribute("open") is None
        solution.locator("summary").click()
        assert solution.get_attribute("open") is not None
        solution.scroll_into_view_if_needed()
        _shot(page, "exercise-solution-open")
    assert page.errors == []


def test_dark_mode_lesson_and_instructor_schedule(browser: object, site_url: str) -> None:
    tab = _Page(browser, color_scheme="dark")
    try:
        tab.goto(f"{site_url}instructor/")
        assert tab.page.locator("table").first.is_visible()
        assert re.search(r"Total: \d+ h", tab.page.locator("article").inner_text())
        _shot(tab, "instructor-dark")
        tab.goto(f"{site_url}lessons/00_welcome/")
        _shot(tab, "lesson-00-dark")
        assert tab.errors == []
    finally:
        tab.close()


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_lesson_map_exercises_table_and_lesson_flow_fit_a_phone_and_a_laptop(
    browser: object, site_url: str, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        for path, table in [
            ("", ".workshop-lesson-map"),
            ("exercises/", ".workshop-exercise-list"),
        ]:
            page.goto(f"{site_url}{path}", wait_until="networkidle")
            rows = page.locator(f"{table} tbody tr")
            assert rows.count() >= 7
            # The last column of every row lies inside the screen, not past its right edge
            # (measured where the page puts it: nothing is scrolled sideways first).
            overflow = page.evaluate(
                f"() => {{ const t = document.querySelector('{table} table');"
                " const w = t.closest('.md-typeset__scrollwrap') || t.parentElement;"
                " return [w.scrollWidth, w.clientWidth]; }"
            )
            assert overflow[0] <= overflow[1] + 1, (path, overflow)
            for index in range(rows.count()):
                last = rows.nth(index).locator("td").last
                box = last.bounding_box()
                assert box is not None and box["x"] >= 0, (path, index, box)
                assert box["x"] + box["width"] <= width + 1, (path, index, box, width)
            rows.first.scroll_into_view_if_needed()
            _shot_of(page, f"{path.strip('/') or 'home'}-table-{width}")
        # The lesson flow: drawn at a readable size (rows of at most three lessons), scrolling
        # sideways on a phone rather than shrinking.
        page.goto(site_url, wait_until="networkidle")
        diagram = page.locator(".workshop-flow div.mermaid").first
        diagram.wait_for(timeout=15_000)
        diagram.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => document.querySelector('.workshop-flow div.mermaid').getBoundingClientRect().height > 300",
            timeout=15_000,
        )
        box = diagram.bounding_box()
        assert box is not None and box["width"] >= 560, box
        _shot_of(page, f"home-flow-{width}")
    finally:
        context.close()


def _shot_of(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]
