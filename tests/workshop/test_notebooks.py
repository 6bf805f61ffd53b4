"""``workshop.notebooks``: what the runner stores is the same on every machine."""

from nbformat.v4 import new_output

from workshop.notebooks import _portable
from workshop.paths import REPOSITORY_ROOT


def test_prints_delivered_in_chunks_are_stored_as_one_output_per_stream() -> None:
    outputs = [
        new_output("stream", name="stdout", text="a\n"),
        new_output("stream", name="stdout", text="b\n"),
        new_output("stream", name="stderr", text="warning\n"),
        new_output("stream", name="stdout", text="c\n"),
    ]
    kept = _portable(outputs)
    assert [(o.name, o.text) for o in kept] == [
        ("stdout", "a\nb\n"),
        ("stderr", "warning\n"),
        ("stdout", "c\n"),
    ]


def test_tracebacks_lose_the_machine_paths() -> None:
    where = f"{REPOSITORY_ROOT}/app/db.py"
    error = new_output("error", ename="E", evalue=f"in {where}", traceback=[f"File {where}"])
    (kept,) = _portable([error])
    assert str(REPOSITORY_ROOT) not in kept.evalue
    assert not any(str(REPOSITORY_ROOT) in line for line in kept.traceback)
