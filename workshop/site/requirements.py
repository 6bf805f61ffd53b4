"""The dependencies page's table of every pin (``workshop.requirements`` reads them)."""

from workshop.requirements import Pin


def pins_table(pins: list[Pin]) -> str:
    rows = ["| File | For | Package | Pinned | Note |", "|---|---|---|---|---|"]
    for pin in pins:
        note = pin.note.replace("|", "\\|")
        rows.append(f"| `{pin.file}` | {pin.section} | `{pin.name}` | {pin.version} | {note} |")
    return "\n".join(rows)
