"""The pinned packages of the requirements files, grouped by their ``# --- Section ---`` comments.

``read_pins`` follows ``-r other.txt`` includes (each file once, in the order they are met), so the
dependencies page, generated from requirements.txt, lists every set: app, lab, docs, bench, dev.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"#\s*-+\s*(.+?)\s*-+\s*$")
_PIN = re.compile(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s#]+)\s*(?:#\s*(.*))?$")
_INCLUDE = re.compile(r"-r\s+(\S+)")


@dataclass(frozen=True)
class Pin:
    section: str
    name: str
    version: str
    note: str
    file: str = ""  # the requirements file that pins it


def read_pins(path: Path, _seen: set[Path] | None = None) -> list[Pin]:
    seen = set() if _seen is None else _seen
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    section = ""
    pins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if include := _INCLUDE.fullmatch(line):
            pins += read_pins(path.parent / include.group(1), seen)
        elif heading := _SECTION.fullmatch(line):
            section = heading.group(1)
        elif pin := _PIN.fullmatch(line):
            name, extras, version, note = pin.groups()
            pins.append(
                Pin(section, name + (extras or ""), version, (note or "").strip(), path.name)
            )
    return pins


def pins_table(pins: list[Pin]) -> str:
    rows = ["| File | For | Package | Pinned | Note |", "|---|---|---|---|---|"]
    for pin in pins:
        note = pin.note.replace("|", "\\|")
        rows.append(f"| `{pin.file}` | {pin.section} | `{pin.name}` | {pin.version} | {note} |")
    return "\n".join(rows)
