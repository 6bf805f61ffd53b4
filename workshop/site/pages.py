"""Markdown and HTML generated from the lessons and exercises."""

import html
import re
from urllib.parse import quote

from workshop.site.catalog import Exercise, Lesson

NONE = "\u2013"  # an en dash: "nothing" in a table cell
CHECK_ALL = "make grade"
LAB_COMMAND = "make lab"


def check_command(exercise_slug: str) -> str:
    """The command a learner runs to check one exercise (the grader's ``-k`` selects it)."""
    return f".venv/bin/pytest tests/grading -k {exercise_slug.split('_')[0]}"


def stacked_on_phones(name: str, table: str) -> str:
    """A Markdown table in a ``<div>`` that workshop.css lays out as one block per row on a
    phone, so no column ends up off the screen's edge (the last ones did at 390 px)."""
    return f'<div class="workshop-stacked {name}" markdown>\n\n{table}\n\n</div>'


def lesson_map(
    lessons: list[Lesson], exercises: list[Exercise], lessons_prefix: str, exercises_prefix: str
) -> str:
    """The Home page's table: every lesson, what it makes you able to do, and its exercise."""
    if not lessons:
        return "*The lessons are being written: this table fills in as they appear.*"
    known = {exercise.slug for exercise in exercises}
    rows = ["| # | Lesson | After it you can | Exercise |", "|---|---|---|---|"]
    for lesson in lessons:
        objectives = "<br>".join(f"• {_cell(o)}" for o in lesson.objectives) or NONE
        if lesson.exercise and lesson.exercise in known:
            label = lesson.exercise.split("_")[0]  # "ex03": the full slug would widen the table
            exercise = f"[{label}]({exercises_prefix}{lesson.exercise}.md)"
        else:
            exercise = f"`{lesson.exercise}`" if lesson.exercise else NONE
        rows.append(
            f"| {lesson.number:02d} | [{_cell(lesson.title)}]({lessons_prefix}{lesson.filename}) "
            f"| {objectives} | {exercise} |"
        )
    return stacked_on_phones("workshop-lesson-map", "\n".join(rows))


def exercise_list(exercises: list[Exercise], lessons: list[Lesson]) -> str:
    if not exercises:
        return "*The exercises are being written: this list fills in as they appear.*"
    by_exercise = {lesson.exercise: lesson for lesson in lessons if lesson.exercise}
    rows = ["| Exercise | Lesson | Check it with |", "|---|---|---|"]
    for exercise in exercises:
        lesson = by_exercise.get(exercise.slug)
        lesson_link = (
            f"[{lesson.number:02d} · {_cell(lesson.title)}](../lessons/{lesson.filename})"
            if lesson
            else NONE
        )
        rows.append(
            f"| [{exercise.number:02d} · {_cell(exercise.title)}]({exercise.slug}.md) "
            f"| {lesson_link} | `{check_command(exercise.slug)}` |"
        )
    return stacked_on_phones("workshop-exercise-list", "\n".join(rows))


def exercise_page(
    exercise: Exercise, lesson: Lesson | None, lessons_by_file: dict[str, Lesson] | None = None
) -> str:
    """One exercise: its statement (the stub's docstring), the file, the check, the solution.

    The code blocks are ``pymdownx.snippets`` includes of the real files, so the page shows
    exactly what the learner edits and what the grader accepts.
    """
    lines = [f"# Exercise {exercise.number:02d} · {exercise.title}", ""]
    if lesson:
        minutes = f", about {lesson.exercise_minutes} minutes" if lesson.exercise_minutes else ""
        lines += [
            f"From lesson [{lesson.number:02d} · {lesson.title}](../lessons/{lesson.filename})"
            f"{minutes}.",
            "",
        ]
    if exercise.statement:
        lines += [docstring_markdown(exercise.statement, lessons_by_file or {}), ""]
    lines += [
        "## The file you edit",
        "",
        f"Open `exercises/{exercise.slug}.py` in your editor; its `TODO`s are the tasks:",
        "",
        f'???+ example "exercises/{exercise.slug}.py"',
        "",
        "    ```python",
        f'    --8<-- "exercises/{exercise.slug}.py"',
        "    ```",
        "",
        "## Check your work",
        "",
        "```bash",
        f"{check_command(exercise.slug)}   # this exercise only",
        f"{CHECK_ALL}   # every exercise",
        "```",
        "",
        "Each failing test names what to look at. On Windows without `make`, run "
        f"`.venv\\Scripts\\pytest tests/grading -k {exercise.slug.split('_')[0]}`.",
        "",
        "## Solution",
        "",
    ]
    if exercise.has_solution:
        lines += [
            "Try it first: the grader tells you what is missing. Then compare with ours, which is "
            f"the file `solutions/{exercise.slug}.py` and passes the same tests.",
            "",
            '??? success "Solution"',
            "",
            "    ```python",
            f'    --8<-- "solutions/{exercise.slug}.py"',
            "    ```",
            "",
        ]
    else:
        lines += ["*The solution is being written.*", ""]
    return "\n".join(lines)


def lesson_banner(lesson: Lesson, binder_url: str | None, exercise_href: str | None) -> str:
    """The box at the top of a lesson page: how to run it, and its exercise. The Binder link
    appears only once a repository is configured (``binder_url`` None: no link to a placeholder)."""
    e = html.escape
    binder = (
        f' In your browser, with nothing installed: <a class="workshop-binder" href="{e(binder_url)}">'
        "open it on Binder</a>."
        if binder_url
        else ""
    )
    parts = [
        '<div class="admonition tip workshop-run">',
        '<p class="admonition-title">Run this lesson yourself</p>',
        f"<p>On your machine: <code>{e(LAB_COMMAND)}</code>, then open "
        f"<code>{e(lesson.filename)}</code> in JupyterLab (the file is "
        f"<code>notebooks/{e(lesson.filename)}</code>).{binder}</p>",
    ]
    if lesson.exercise and exercise_href:
        parts.append(
            f'<p>Exercise: <a href="{e(exercise_href)}">{e(lesson.exercise)}</a>, checked with '
            f"<code>{e(check_command(lesson.exercise))}</code>.</p>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def binder_url(repository: str, ref: str, notebook_path: str) -> str:
    """mybinder.org's launch URL opening ``notebook_path`` in JupyterLab."""
    return (
        f"https://mybinder.org/v2/gh/{repository}/{quote(ref, safe='')}"
        f"?labpath={quote(notebook_path, safe='')}"
    )


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def lesson_list(lessons: list[Lesson], lessons_prefix: str) -> str:
    """The Lessons section's index: each lesson with the questions it answers."""
    if not lessons:
        return "*The lessons are being written: this list fills in as they appear.*"
    blocks = []
    for lesson in lessons:
        minutes = f"{lesson.teaching_minutes} min teaching"
        if lesson.exercise_minutes:
            minutes += f" + {lesson.exercise_minutes} min exercise"
        block = [
            f"### [{lesson.number:02d} · {lesson.title}]({lessons_prefix}{lesson.filename})",
            "",
        ]
        block += [f"- {question}" for question in lesson.questions]
        block += ["", f"*{minutes}*", ""]
        blocks.append("\n".join(block))
    return "\n".join(blocks)


def self_study(lessons: list[Lesson], lessons_prefix: str) -> str:
    if not lessons:
        return "Every lesson fits."
    links = ", ".join(
        f"[{lesson.number:02d} · {lesson.title}]({lessons_prefix}{lesson.filename})"
        for lesson in lessons
    )
    return f"Left for self-study on this site: {links}."


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s")
_NOTEBOOK_MENTION = re.compile(r"notebooks/(\d\d_[a-z0-9_]+\.ipynb)")


def docstring_markdown(text: str, lessons_by_file: dict[str, Lesson]) -> str:
    """An exercise docstring as Markdown: reST ````code```` becomes `code`, a list gets the blank
    line Markdown needs before it, and a mention of a lesson notebook links to its page."""
    text = re.sub(r"``(.+?)``", r"`\1`", text)
    lines: list[str] = []
    for line in text.splitlines():
        previous = lines[-1] if lines else ""
        starts_list = _LIST_ITEM.match(line) and not _LIST_ITEM.match(previous)
        if starts_list and previous.strip() and not previous.startswith((" ", "\t")):
            lines.append("")
        lines.append(line)

    def link(match: re.Match[str]) -> str:
        lesson = lessons_by_file.get(match.group(1))
        if lesson is None:
            return match.group(0)
        return f"[lesson {lesson.number:02d}, {lesson.title}](../lessons/{lesson.filename})"

    return _NOTEBOOK_MENTION.sub(link, "\n".join(lines))
