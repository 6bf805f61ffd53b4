"""The class's grades, written for the instructor and for each learner.

- the terminal table (``format_table``), ``grades.csv`` (a spreadsheet) and ``grades.json``;
- ``feedback/<learner>.md``: each failed check with its message, to hand back as it is;
- ``junit/<learner>.xml``: JUnit XML, one test case per check, the reason as a property, for
  any CI or LMS that reads JUnit.
"""

import csv
import json
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict
from pathlib import Path

from workshop.grading.results import ClassResult, ExerciseResult, LearnerResult


def _cell(result: ExerciseResult) -> str:
    cell = f"{result.score}/{result.points}"
    return f"{cell} {result.reason}" if result.reason else cell


def format_table(result: ClassResult) -> str:
    header = ["learner", *(exercise[:4] for exercise in result.exercises), "total"]
    rows = [
        [
            row.learner,
            *(_cell(row.exercises[e]) for e in result.exercises),
            f"{row.total}/{row.points}",
        ]
        for row in result.learners
    ]
    widths = [max(len(line[i]) for line in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True))
        for line in [header, *rows]
    ]
    lines.append(
        f"({len(result.learners)} learners graded in {result.seconds:.1f} s; {result.sandbox})"
    )
    return "\n".join(line.rstrip() for line in lines)


def write_reports(result: ClassResult, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = out_dir / "grades.csv", out_dir / "grades.json"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *result.exercises, "total", "points", "notes"])
        for row in result.learners:
            notes = "; ".join(f"{e}: {r.reason}" for e, r in row.exercises.items() if r.reason)
            scores = [row.exercises[e].score for e in result.exercises]
            writer.writerow([row.learner, *scores, row.total, row.points, notes])
    document = {
        "exercises": result.exercises,
        "seconds": round(result.seconds, 1),
        "sandbox": result.sandbox,
        "learners": [
            {"learner": row.learner, "total": row.total, "points": row.points,
             "exercises": {e: asdict(r) for e, r in row.exercises.items()}}
            for row in result.learners
        ],
    }  # fmt: skip
    json_path.write_text(json.dumps(document, indent=2) + "\n")
    written = [csv_path, json_path]
    for folder, suffix, render in (("feedback", "md", feedback), ("junit", "xml", junit_xml)):
        (out_dir / folder).mkdir(exist_ok=True)
        for row in result.learners:
            path = out_dir / folder / f"{row.learner}.{suffix}"
            path.write_text(render(row))
            written.append(path)
    return written


def feedback(row: LearnerResult) -> str:
    lines = [f"# Feedback for {row.learner}: {row.total}/{row.points}", ""]
    for exercise, result in row.exercises.items():
        lines.append(
            f"## {exercise}: {result.score}/{result.points}"
            + (f" ({result.reason})" if result.reason else "")
        )
        lines.append("")
        failed = [check for check in result.checks if not check.passed]
        if not failed:
            lines += ["Everything passed.", ""]
        for check in failed:
            reason = f" ({check.reason})" if check.reason else ""
            lines += [
                f"- `{check.name}`{reason}:",
                "",
                "  " + check.message.strip().replace("\n", "\n  "),
                "",
            ]
    lines.append("Check your own copy with `make grade` (or `make grade ONLY=ex03`).")
    return "\n".join(lines) + "\n"


def junit_xml(row: LearnerResult) -> str:
    suites = ElementTree.Element(
        "testsuites", name=row.learner, tests=str(row.points), failures=str(row.points - row.total)
    )
    for exercise, result in row.exercises.items():
        suite = ElementTree.SubElement(
            suites, "testsuite", name=exercise, tests=str(result.points),
            failures=str(result.points - result.score), time=f"{result.seconds:.2f}",
        )  # fmt: skip
        for check in result.checks:
            case = ElementTree.SubElement(suite, "testcase", classname=exercise, name=check.name)
            if check.passed:
                continue
            properties = ElementTree.SubElement(case, "properties")
            ElementTree.SubElement(properties, "property", name="reason", value=check.reason)
            failure = ElementTree.SubElement(
                case, "failure", message=check.message.splitlines()[0] if check.message else ""
            )
            failure.text = check.message
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
