"""MkDocs hooks (``hooks:`` in mkdocs.yml): the lessons, exercises and generated tables.

- The notebooks stay in ``notebooks/`` (where JupyterLab and nbval use them) and join the site as
  ``lessons/NN_slug.ipynb`` pages at build time, so no file is duplicated in git.
- Each exercise page is generated from ``exercises/exNN_slug.py`` (its docstring is the statement)
  and includes that file and ``solutions/exNN_slug.py`` with pymdownx.snippets.
- ``<!-- workshop:NAME -->`` markers in the Markdown pages become generated tables.
- Notebook pages get their links rewritten, a "run this lesson" box, and no machine paths.
"""

import functools
import posixpath
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; its package lives beside it
    sys.path.insert(0, str(ROOT))

from workshop.committed_lessons import lessons_folder  # noqa: E402
from workshop.paths import hide_paths  # noqa: E402
from workshop.requirements import read_pins  # noqa: E402
from workshop.site import api_table, pages, requirements, schedule  # noqa: E402
from workshop.site.catalog import (  # noqa: E402
    Exercise,
    Lesson,
    WorkshopDataError,
    find_exercises,
    find_lessons,
)
from workshop.site.html import (  # noqa: E402
    heading_tokens,
    material_mermaid,
    rewrite_links,
    strip_mathjax,
)

log = get_plugin_logger("workshop")
_MERMAID_SCRIPT = re.compile(r'<script src="[^"]*/vendor/mermaid-[^"]+\.min\.js"></script>')
_state: dict[str, Any] = {"lessons": [], "exercises": []}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        # notebooks/, or for an attendee's `make test` the committed lessons (workshop.committed_lessons)
        lessons, exercises = find_lessons(lessons_folder().parent), find_exercises(ROOT)
    except WorkshopDataError as error:
        raise PluginError(str(error)) from None
    _state.update(lessons=lessons, exercises=exercises)
    # Snippets are included from the repository root wherever mkdocs is started from.
    config.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [str(ROOT)]
    _extend_nav(
        config.nav,
        "Lessons",
        [{f"{lesson.number:02d} · {lesson.title}": lesson.src_uri} for lesson in lessons],
    )
    _extend_nav(
        config.nav,
        "Exercises",
        [{f"{ex.number:02d} · {ex.plain_title}": ex.src_uri} for ex in exercises],
    )
    if not _binder_repository(config):
        log.info("No Binder links: extra.binder_repository names no published repository yet")
    return config


def _extend_nav(nav: list[Any] | None, section: str, entries: list[dict[str, str]]) -> None:
    for item in nav or []:
        if isinstance(item, dict) and section in item:
            item[section] = [*item[section], *entries]
            return
    raise PluginError(f"mkdocs.yml: the nav has no {section!r} section to list the pages in")


@event_priority(100)  # before mkdocs-jupyter wraps the notebook files
def on_files(files: Files, config: MkDocsConfig) -> Files:
    for lesson in _state["lessons"]:
        files.append(
            File.generated(
                config, lesson.src_uri, abs_src_path=str(lessons_folder() / lesson.filename)
            )
        )
    lesson_of = _lesson_of_exercise()
    lessons_by_file = {lesson.filename: lesson for lesson in _state["lessons"]}
    for exercise in _state["exercises"]:
        content = pages.exercise_page(exercise, lesson_of.get(exercise.slug), lessons_by_file)
        files.append(File.generated(config, exercise.src_uri, content=content))
    return files


def on_nav(nav: Any, config: MkDocsConfig, files: Files) -> Any:
    """Give the lesson pages back their source path.

    mkdocs-jupyter's on_files wraps each notebook in a ``NotebookFile`` whose ``abs_src_path`` is
    recomputed from ``src_dir``, which a generated file does not have (its source is outside the
    docs_dir): the wrapper would read nothing. Copy the real path onto the wrapper.
    """
    for lesson in _state["lessons"]:
        file = files.get_file_from_path(lesson.src_uri)
        inner = getattr(file, "file", None)
        if file is not None and file.abs_src_path is None and inner is not None:
            file.abs_src_path = inner.abs_src_path
    return nav


def _lesson_of_exercise() -> dict[str, Lesson]:
    return {lesson.exercise: lesson for lesson in _state["lessons"] if lesson.exercise}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "<!-- workshop:" not in markdown:
        return markdown
    here = posixpath.dirname(page.file.src_uri)
    lessons_prefix = _prefix(here, "lessons")
    exercises_prefix = _prefix(here, "exercises")
    lessons: list[Lesson] = _state["lessons"]
    exercises: list[Exercise] = _state["exercises"]
    half_day_numbers = set(config.extra.get("half_day_lessons", []))
    generated: dict[str, Callable[[], str]] = {
        "lesson-map": lambda: pages.lesson_map(
            lessons, exercises, lessons_prefix, exercises_prefix
        ),
        "lesson-list": lambda: pages.lesson_list(lessons, lessons_prefix),
        "exercise-list": lambda: pages.exercise_list(exercises, lessons),
        "schedule-full-day": lambda: schedule.schedule_table(
            schedule.plan(lessons, start="09:00", lunch=True), lessons_prefix
        ),
        "schedule-half-day": lambda: schedule.schedule_table(
            schedule.plan(
                [lesson for lesson in lessons if lesson.number in half_day_numbers],
                start="09:00",
                lunch=False,
            ),
            lessons_prefix,
        ),
        "half-day-self-study": lambda: pages.self_study(
            [lesson for lesson in lessons if lesson.number not in half_day_numbers],
            lessons_prefix,
        ),
        "api-table": lambda: api_table.api_table(api_table.openapi_schema()),
        "requirements": lambda: requirements.pins_table(read_pins(ROOT / "requirements.txt")),
    }
    for name, make in generated.items():
        marker = re.compile(rf"^([ \t]*)<!-- workshop:{re.escape(name)} -->", re.M)
        if marker.search(markdown):
            markdown = marker.sub(functools.partial(_indented, make()), markdown)
    if "<!-- workshop:" in markdown:
        raise PluginError(f"{page.file.src_uri}: unknown <!-- workshop:... --> marker")
    return markdown


def _indented(text: str, marker: re.Match[str]) -> str:
    """``text`` with the marker's indentation on every line (a marker in a tab or admonition)."""
    return "\n".join(marker.group(1) + line if line else line for line in text.splitlines())


def _prefix(here: str, folder: str) -> str:
    relative = posixpath.relpath(folder, here or ".")
    return f"{relative}/"


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lesson = _lesson_for(page)
    if lesson is None:
        return html
    html = material_mermaid(strip_mathjax(html))
    page.toc = get_toc(heading_tokens(html))
    html = rewrite_links(html, f"notebooks/{lesson.filename}", _resolver(page, files))
    exercise_href = None
    if lesson.exercise:
        target = files.get_file_from_path(f"exercises/{lesson.exercise}.md")
        exercise_href = target.url_relative_to(page.file) if target else None
    repository = _binder_repository(config)
    binder = (
        pages.binder_url(
            repository, config.extra.get("binder_ref", "HEAD"), f"notebooks/{lesson.filename}"
        )
        if repository
        else None
    )
    return pages.lesson_banner(lesson, binder, exercise_href) + html


def _binder_repository(config: MkDocsConfig) -> str | None:
    """The repository Binder links launch, or None while mkdocs.yml holds the placeholder."""
    repository = config.extra.get("binder_repository", "")
    return None if repository in ("", "OWNER/REPOSITORY") else repository


def _lesson_for(page: Page) -> Lesson | None:
    for lesson in _state["lessons"]:
        if page.file.src_uri == lesson.src_uri:
            return lesson
    return None


def _resolver(page: Page, files: Files) -> Callable[[str], str | None]:
    """Map a repository path named by a notebook link to the URL of the page it became."""

    def resolve(repo_path: str) -> str | None:
        folder, _, name = repo_path.partition("/")
        if folder == "notebooks" and name.endswith(".ipynb"):
            target = files.get_file_from_path(f"lessons/{name}")
        elif folder in ("exercises", "solutions") and name.endswith(".py"):
            target = files.get_file_from_path(f"exercises/{name[:-3]}.md")
        else:
            return None
        return target.url_relative_to(page.file) if target else None

    return resolve


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if 'class="mermaid"' not in output:
        # Mermaid is 3.5 MB of JavaScript: only pages with a diagram load it.
        output = _MERMAID_SCRIPT.sub("", output)
    return hide_paths(output)


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """`make docs-serve` rebuilds when a lesson, an exercise, a solution or the app changes."""
    for folder in ("notebooks", "exercises", "solutions", "app", "workshop"):
        if (ROOT / folder).is_dir():
            server.watch(str(ROOT / folder))
    return server
