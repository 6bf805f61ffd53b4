"""The instructor schedule, computed from each lesson's own minutes.

A session is one lesson's teaching followed by its exercise. Breaks are inserted between sessions
once enough time has passed since the last one; on a full day, the first gap from noon is lunch.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from workshop.site.catalog import Lesson

NONE = "\u2013"  # an en dash: "nothing" in a table cell
BREAK_AFTER_MINUTES = 80  # a pause once this much teaching has passed without one
SHORT_BREAK = 15
LUNCH = 60
LUNCH_NOT_BEFORE = "12:00"


@dataclass(frozen=True)
class Slot:
    start: str  # "HH:MM"
    minutes: int
    lesson: Lesson | None  # None for a break
    label: str = ""


def plan(lessons: list[Lesson], start: str = "09:00", lunch: bool = True) -> list[Slot]:
    """Lay the lessons out in order from ``start``, with breaks (and lunch when ``lunch``)."""
    clock = datetime.strptime(start, "%H:%M")
    lunch_not_before = datetime.strptime(LUNCH_NOT_BEFORE, "%H:%M")
    slots: list[Slot] = []
    since_break = 0
    had_lunch = not lunch
    for index, lesson in enumerate(lessons):
        if index and not had_lunch and clock >= lunch_not_before:
            label, minutes = "Lunch", LUNCH
            had_lunch = True
        elif index and since_break >= BREAK_AFTER_MINUTES:
            label, minutes = "Break", SHORT_BREAK
        else:
            label, minutes = "", 0
        if minutes:
            slots.append(Slot(f"{clock:%H:%M}", minutes, None, label))
            clock += timedelta(minutes=minutes)
            since_break = 0
        minutes = lesson.teaching_minutes + lesson.exercise_minutes
        slots.append(Slot(f"{clock:%H:%M}", minutes, lesson))
        clock += timedelta(minutes=minutes)
        since_break += minutes
    slots.append(Slot(f"{clock:%H:%M}", 0, None, "End"))
    return slots


def schedule_table(slots: list[Slot], link_prefix: str) -> str:
    """A Markdown table of the plan; lesson titles link to ``link_prefix + filename``."""
    rows = [
        "| Start | Lesson | Teaching | Exercise |",
        "|---|---|--:|--:|",
    ]
    for slot in slots:
        lesson = slot.lesson
        if lesson is None:
            length = f" ({slot.minutes} min)" if slot.minutes else ""
            rows.append(f"| {slot.start} | *{slot.label}{length}* | | |")
            continue
        exercise = f"{lesson.exercise_minutes} min" if lesson.exercise_minutes else NONE
        rows.append(
            f"| {slot.start} | [{lesson.number:02d} · {lesson.title}]({link_prefix}{lesson.filename})"
            f" | {lesson.teaching_minutes} min | {exercise} |"
        )
    teaching = sum(s.lesson.teaching_minutes for s in slots if s.lesson)
    exercises = sum(s.lesson.exercise_minutes for s in slots if s.lesson)
    breaks = sum(s.minutes for s in slots if s.lesson is None)
    rows.append(
        f"| | **Total: {_hours(teaching + exercises + breaks)} with breaks** "
        f"| **{teaching} min** | **{exercises} min** |"
    )
    return "\n".join(rows)


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"
