"""The built site: strict, quiet, no machine paths, every internal link and anchor resolves."""

import json
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from tests.site.conftest import ROOT, BuiltSite, html_pages
from workshop.site.catalog import find_exercises, find_lessons

_PY_WARNING = re.compile(r"\.py:\d+: \w*Warning: |^\w*Warning: ", re.M)


class _Collector(HTMLParser):
    """Every id a page defines and every URL it points at (href and src)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])  # type: ignore[arg-type]
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])  # type: ignore[arg-type]


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _target_file(site_root: Path, page: Path, url: str) -> Path:
    # Root-relative links (404.html has them: it is served for any missing path) start at the root.
    base = site_root if url.startswith("/") else page.parent
    target = (base / unquote(url).lstrip("/")).resolve()
    if url.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def test_build_log_has_no_warning(built_site: BuiltSite) -> None:
    assert "WARNING" not in built_site.log
    assert not _PY_WARNING.search(built_site.log), built_site.log


def test_no_page_holds_a_machine_path_or_a_python_warning(built_site: BuiltSite) -> None:
    machine_paths = {
        str(ROOT),
        str(built_site.path),
        sys.prefix,
        sys.base_prefix,
        tempfile.gettempdir() + "/",
        str(Path.home()) + "/",
    }
    machine_paths.discard("/")
    files = [*html_pages(built_site), built_site.path / "search" / "search_index.json"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for machine_path in machine_paths:
            assert machine_path not in text, f"{path.relative_to(built_site.path)}: {machine_path}"
        warning = _PY_WARNING.search(text)
        assert warning is None, f"{path.relative_to(built_site.path)}: {warning!r}"


def test_every_internal_link_and_anchor_resolves(built_site: BuiltSite) -> None:
    parsed = {page: _parse(page) for page in html_pages(built_site)}
    broken: list[str] = []
    checked = 0
    for page, collector in parsed.items():
        for link in collector.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("//", "mailto:", "data:")):
                continue
            url, fragment = urldefrag(link)
            target = _target_file(built_site.path, page, url) if url else page
            checked += 1
            if not target.is_file():
                broken.append(f"{page.relative_to(built_site.path)} -> {link}")
                continue
            if fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(fragment) not in ids:
                    broken.append(f"{page.relative_to(built_site.path)} -> {link} (no such anchor)")
    assert checked > 100
    assert broken == [], "\n".join(broken)


def test_no_link_still_points_at_a_notebook_or_a_python_file(built_site: BuiltSite) -> None:
    for page in html_pages(built_site):
        for link in _parse(page).links:
            url = urldefrag(link)[0]
            if not urlsplit(url).scheme:
                assert not url.endswith((".ipynb", ".py")), f"{page}: {link}"


def test_links_between_notebooks_lead_to_the_lesson_pages(built_site: BuiltSite) -> None:
    """Each ``NN_x.ipynb`` link in a notebook's Markdown is a link to that lesson's page."""
    lessons = find_lessons(ROOT)
    found = 0
    for lesson in lessons:
        cells = json.loads((ROOT / "notebooks" / lesson.filename).read_text())["cells"]
        markdown = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        targets = set(re.findall(r"\]\((?:\./)?(\d\d_[a-z0-9_]+)\.ipynb", markdown))
        page = built_site.path / "lessons" / lesson.slug / "index.html"
        links = {urldefrag(link)[0] for link in _parse(page).links}
        for target in targets:
            assert f"../{target}/" in links, f"{lesson.filename} -> {target}.ipynb not rewritten"
            found += 1
    if not found:
        import pytest

        pytest.skip("no notebook links to another notebook yet")


def test_every_lesson_has_a_page_with_its_run_box(built_site: BuiltSite) -> None:
    lessons = find_lessons(ROOT)
    assert lessons, "notebooks/ has no lesson"
    for lesson in lessons:
        page = (built_site.path / "lessons" / lesson.slug / "index.html").read_text()
        assert "Run this lesson yourself" in page
        assert "<code>make lab</code>" in page
        # mkdocs.yml names no published repository yet: no Binder link to a placeholder.
        assert "mybinder.org" not in page and "OWNER/REPOSITORY" not in page
        assert "mathjax" not in page.lower()
        assert "cdnjs" not in page and "unpkg.com" not in page
        assert 'class="jp-Notebook"' in page


def test_schedule_is_the_sum_of_the_lessons_minutes(built_site: BuiltSite) -> None:
    lessons = find_lessons(ROOT)
    page = (built_site.path / "instructor" / "index.html").read_text()
    for lesson in lessons:
        assert lesson.title.replace("&", "&amp;") in page
    teaching = sum(lesson.teaching_minutes for lesson in lessons)
    exercises = sum(lesson.exercise_minutes for lesson in lessons)
    # Rendered as table cells (the full-day table has every lesson).
    assert re.search(rf"<td[^>]*><strong>{teaching} min</strong></td>", page)
    assert re.search(rf"<td[^>]*><strong>{exercises} min</strong></td>", page)
    assert page.count('<div class="tabbed-block">') == 2


def test_exercise_pages_show_the_real_files_with_the_solution_collapsed(
    built_site: BuiltSite,
) -> None:
    exercises = find_exercises(ROOT)
    if not exercises:
        import pytest

        pytest.skip("exercises/ holds no exercise yet")
    for exercise in exercises:
        page = (built_site.path / "exercises" / exercise.slug / "index.html").read_text()
        assert f"tests/grading -k {exercise.slug.split('_')[0]}" in page
        if exercise.has_solution:
            details = re.search(r'<details class="success">(.*?)</details>', page, re.S)
            assert details, f"{exercise.slug}: no closed solution block"
            text = (ROOT / "solutions" / f"{exercise.slug}.py").read_text()
            longest = max(text.splitlines(), key=len).strip()
            plain = re.sub(r"<[^>]+>", "", details.group(1))
            assert _unescape(longest) in _unescape(plain)


def _unescape(text: str) -> str:
    import html

    return " ".join(html.unescape(text).split())


def test_api_table_lists_every_route_of_the_app(built_site: BuiltSite) -> None:
    from app.main import app

    page = (built_site.path / "reference" / "api" / "index.html").read_text()
    for path in app.openapi()["paths"]:
        assert f"<code>{path}</code>" in page


def test_diagrams_are_mermaid_blocks_and_mermaid_is_served_locally(built_site: BuiltSite) -> None:
    page = (built_site.path / "reference" / "architecture" / "index.html").read_text()
    assert page.count('<pre class="mermaid">') == 2
    assert "unpkg.com" not in page
    assert list((built_site.path / "assets/javascripts/vendor").glob("mermaid-*.min.js"))


def test_sources_are_not_ignored_and_notebooks_are_not_copied() -> None:
    tracked = ["site/index.md", "mkdocs.yml", "workshop/site/hooks.py"]
    ignored = subprocess.run(
        ["git", "check-ignore", *tracked], cwd=ROOT, capture_output=True, text=True
    )
    assert ignored.stdout == ""
    assert not list((ROOT / "site").rglob("*.ipynb"))
