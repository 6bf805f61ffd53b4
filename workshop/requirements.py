"""The pinned packages of a requirements file and of every file it includes with ``-r``: the
one parser that the doctor (is every pin installed?) and the site (the dependencies table) read.

A pin is ``name[extras]==version``, optionally followed by ``# note``. A ``# --- Section ---``
comment names the section of the pins below it; an included file's pins belong to the section
in which its ``-r`` line stands, until it names sections of its own. A file included twice (two
sets that both include the app's) is read once, where it is first met.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_SECTION = re.compile(r"#\s*-+\s*(.+?)\s*-+")
_PIN = re.compile(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;#]+)\s*(?:;[^#]*)?(?:#\s*(.*))?")
_INCLUDE = re.compile(r"(?:-r|--requirement)(?:\s+|=)(\S+)")


@dataclass(frozen=True)
class Pin:
    section: str
    name: str  # as written, extras included: "uvicorn[standard]"
    version: str
    note: str
    file: str = ""  # the requirements file that pins it

    @property
    def distribution(self) -> str:
        """The installed distribution's name (extras dropped), as importlib.metadata knows it."""
        return self.name.partition("[")[0]


def read_pins(path: Path, section: str = "", _seen: set[Path] | None = None) -> list[Pin]:
    """Every pin of ``path`` in file order, an included file's pins where its ``-r`` stands."""
    seen = set() if _seen is None else _seen
    if path.resolve() in seen:
        return []
    seen.add(path.resolve())
    pins: list[Pin] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if heading := _SECTION.fullmatch(line):
            section = heading.group(1)
        elif include := _INCLUDE.fullmatch(line):
            pins += read_pins(path.parent / include.group(1), section, seen)
        elif pin := _PIN.fullmatch(line):
            name, extras, version, note = pin.groups()
            note = (note or "").strip()
            pins.append(Pin(section, name + (extras or ""), version, note, path.name))
    return pins


def pinned_requirements(path: Path) -> dict[str, str]:
    """``{distribution: version}`` of every pin ``path`` reads (the doctor's check)."""
    return {pin.distribution: pin.version for pin in read_pins(path)}
