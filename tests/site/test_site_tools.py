"""The build helpers on their own: link rewriting, path hiding, the schedule, the pins table."""

import json
from pathlib import Path

import pytest

from workshop.requirements import read_pins
from workshop.site.catalog import Lesson, WorkshopDataError, read_lesson
from workshop.site.html import (
    heading_tokens,
    material_mermaid,
    rewrite_links,
    strip_mathjax,
)
from workshop.site.requirements import pins_table
from workshop.site.schedule import plan, schedule_table

_PAGES = {
    "notebooks/03_async.ipynb": "../03_async/",
    "exercises/ex03_async_orm.md": "../../exercises/ex03_async_orm/",
}


def _resolve(repo_path: str) -> str | None:
    if repo_path.startswith("notebooks/"):
        return _PAGES.get(repo_path)
    if repo_path.startswith(("exercises/", "solutions/")):
        return _PAGES.get("exercises/" + repo_path.split("/", 1)[1].removesuffix(".py") + ".md")
    return None


def test_notebook_and_exercise_links_become_page_urls() -> None:
    html = (
        '<a href="03_async.ipynb">next</a> <a href="./03_async.ipynb#Key-Points">points</a> '
        '<a href="../exercises/ex03_async_orm.py">do it</a> '
        '<a href="../solutions/ex03_async_orm.py">ours</a>'
    )
    out = rewrite_links(html, "notebooks/02_sync.ipynb", _resolve)
    assert out == (
        '<a href="../03_async/">next</a> <a href="../03_async/#key-points">points</a> '
        '<a href="../../exercises/ex03_async_orm/">do it</a> '
        '<a href="../../exercises/ex03_async_orm/">ours</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "https://docs.djangoproject.com/x.ipynb",
        "#local",
        "mailto:a@b.c",
        "/abs.ipynb",
        "99_missing.ipynb",
        "../app/db.py",
    ],
)
def test_other_links_are_left_alone(href: str) -> None:
    html = f'<a href="{href}">x</a>'
    assert rewrite_links(html, "notebooks/02_sync.ipynb", _resolve) == html


def test_mathjax_loader_is_removed_and_the_rest_kept() -> None:
    html = "<p>a</p><!-- Load mathjax --><script src='x'></script><!-- End of mathjax configuration --><p>b</p>"
    assert strip_mathjax(html) == "<p>a</p><p>b</p>"


def _lesson(number: int, teaching: int, exercise: int) -> Lesson:
    return Lesson(
        number,
        f"{number:02d}_l",
        f"L{number}",
        teaching_minutes=teaching,
        exercise_minutes=exercise,
    )


def test_plan_inserts_breaks_and_one_lunch() -> None:
    lessons = [_lesson(n, 40, 20) for n in range(6)]  # 6 sessions of 60 min
    slots = plan(lessons, start="09:00", lunch=True)
    labels = [(s.start, s.label or s.lesson.title) for s in slots]
    assert labels == [
        ("09:00", "L0"),
        ("10:00", "L1"),
        ("11:00", "Break"),
        ("11:15", "L2"),
        ("12:15", "Lunch"),
        ("13:15", "L3"),
        ("14:15", "L4"),
        ("15:15", "Break"),
        ("15:30", "L5"),
        ("16:30", "End"),
    ]


def test_half_day_plan_has_no_lunch_and_the_table_totals_add_up() -> None:
    slots = plan([_lesson(1, 30, 15), _lesson(2, 25, 10)], start="09:00", lunch=False)
    assert [s.label for s in slots if s.lesson is None] == ["End"]
    table = schedule_table(slots, "../lessons/")
    assert "[01 · L1](../lessons/01_l.ipynb)" in table
    assert "**55 min**" in table and "**25 min**" in table
    assert "Total: 1 h 20 min" in table


def test_notebook_without_workshop_metadata_is_an_error(tmp_path: Path) -> None:
    notebook = tmp_path / "03_x.ipynb"
    notebook.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4}))
    with pytest.raises(WorkshopDataError, match='no "workshop"'):
        read_lesson(notebook)
    meta = {"workshop": {"lesson": 4, "title": "t"}}
    notebook.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4}))
    with pytest.raises(WorkshopDataError, match="lesson 4"):
        read_lesson(notebook)


def test_pins_table_lists_each_pin_under_its_section(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        "# --- The App ---\ndjango==5.2.1   # LTS\nuvicorn[standard]==0.5\n\n"
        "# --- Site ---\nmkdocs==1.6.1\n-e .\n"
    )
    pins = read_pins(requirements)
    assert [(p.section, p.name, p.version, p.note) for p in pins] == [
        ("The App", "django", "5.2.1", "LTS"),
        ("The App", "uvicorn[standard]", "0.5", ""),
        ("Site", "mkdocs", "1.6.1", ""),
    ]
    assert "| `requirements.txt` | Site | `mkdocs` | 1.6.1 |  |" in pins_table(pins)


def test_pins_follow_includes_once_each(tmp_path: Path) -> None:
    (tmp_path / "requirements-app.txt").write_text("# --- App ---\ndjango==5.2.1\n")
    (tmp_path / "requirements-lab.txt").write_text("-r requirements-app.txt\nipytest==0.1\n")
    (tmp_path / "requirements-docs.txt").write_text("-r requirements-lab.txt\nmkdocs==1.6\n")
    (tmp_path / "requirements.txt").write_text(
        "-r requirements-lab.txt\n-r requirements-docs.txt\nruff==0.1\n"
    )
    pins = read_pins(tmp_path / "requirements.txt")
    assert [(p.file, p.name) for p in pins] == [
        ("requirements-app.txt", "django"),
        ("requirements-lab.txt", "ipytest"),
        ("requirements-docs.txt", "mkdocs"),
        ("requirements.txt", "ruff"),
    ]


def test_the_dependencies_page_lists_every_pin_of_every_requirements_file() -> None:
    root = Path(__file__).resolve().parents[2]
    listed = {(pin.file, pin.name) for pin in read_pins(root / "requirements.txt")}
    for path in sorted(root.glob("requirements*.txt")):
        for pin in read_pins(path):
            assert (pin.file, pin.name) in listed, f"{pin.name} of {path.name} is not on the page"


def test_toc_comes_from_the_rendered_headings_with_their_real_ids() -> None:
    html = (
        '<h1 id="lesson-02">Lesson 02<a class="anchor-link" href="#lesson-02">¶</a></h1>'
        '<h2 id="setup">Setup</h2>'
        '<h3 id="does-autoawait-off-help">Does <code>%autoawait off</code> help?'
        '<a class="anchor-link" href="#does-autoawait-off-help">¶</a></h3>'
        '<h2 id="key-points">Key &amp; points</h2>'
    )
    tokens = heading_tokens(html)
    assert [(t["id"], t["name"]) for t in tokens] == [("lesson-02", "Lesson 02")]
    level2 = tokens[0]["children"]
    assert [(t["id"], t["name"]) for t in level2] == [
        ("setup", "Setup"),
        ("key-points", "Key & points"),
    ]
    assert level2[0]["children"][0]["name"] == "Does %autoawait off help?"
    assert level2[0]["children"][0]["id"] == "does-autoawait-off-help"


def test_notebook_mermaid_becomes_a_visible_material_diagram_without_the_cdn_loader() -> None:
    html = (
        '<script type="module">\n  const d = document.querySelectorAll(".jp-Mermaid > pre.mermaid");'
        '\n  await import("https://cdnjs.cloudflare.com/x.mjs");\n</script>'
        '<p>text</p><div class="jp-Mermaid"><pre class="mermaid">\nflowchart LR\n  a[one<br/>two] --&gt; b\n</pre>'
        "</div>"
    )
    out = material_mermaid(html)
    assert "cdnjs" not in out
    assert out == (
        '<p>text</p><div class="jp-Mermaid jp-RenderedMermaid"><pre class="mermaid"><code>'
        "\nflowchart LR\n  a[one&lt;br/&gt;two] --&gt; b\n</code></pre></div>"
    )


def test_the_binder_link_shows_only_once_a_repository_is_configured() -> None:
    from workshop.site.pages import binder_url, lesson_banner

    lesson = Lesson(number=2, slug="02_x", title="x")
    assert "Binder" not in lesson_banner(lesson, None, None)
    url = binder_url("me/workshop", "HEAD", "notebooks/02_x.ipynb")
    assert f'href="{url}"' in lesson_banner(lesson, url, None)
