"""The pinned packages of requirements.txt, grouped by its ``# --- Section ---`` comments."""

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"#\s*-+\s*(.+?)\s*-+\s*$")
_PIN = re.compile(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s#]+)\s*(?:#\s*(.*))?$")


@dataclass(frozen=True)
class Pin:
    section: str
    name: str
    version: str
    note: str


def read_pins(path: Path) -> list[Pin]:
    section = ""
    pins = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if heading := _SECTION.fullmatch(line):
            section = heading.group(1)
        elif pin := _PIN.fullmatch(line):
            name, extras, version, note = pin.groups()
            pins.append(Pin(section, name + (extras or ""), version, (note or "").strip()))
    return pins


def pins_table(pins: list[Pin]) -> str:
    rows = ["| For | Package | Pinned | Note |", "|---|---|---|---|"]
    for pin in pins:
        note = pin.note.replace("|", "\\|")
        rows.append(f"| {pin.section} | `{pin.name}` | {pin.version} | {note} |")
    return "\n".join(rows)
