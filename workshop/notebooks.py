"""Execute lesson notebooks top to bottom and store their outputs, ready for strict nbval.

Usage (from the repository root)::

    .venv/bin/python -m workshop.notebooks                        # every lesson
    .venv/bin/python -m workshop.notebooks notebooks/03_*.ipynb   # some lessons

then check them exactly as ``make notebooks`` does::

    .venv/bin/pytest -p no:django --nbval --nbval-current-env \
        --nbval-sanitize-with workshop/nbval_sanitize.cfg notebooks

``jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=600 X.ipynb``
runs a lesson too (it honours the ``raises-exception`` tag as this script does), but it stores
tracebacks full of this machine's absolute paths (``/home/you/.../site-packages/...``). nbval
never compares tracebacks, so this script rewrites those paths to portable short forms
(``workshop.paths.hide_paths``, which the site uses too): the
stored lessons then read the same on every machine, and the suite's structural test (no
absolute path in any output) holds.
"""

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from workshop.paths import NOTEBOOKS, hide_paths

CELL_TIMEOUT_SECONDS = 600


def execute(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    # DJANGO_SETTINGS_MODULE inherited from a shell would change what lesson 01 shows.
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    client.execute(env=environment)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = _portable(cell.outputs)
    nbformat.write(notebook, path)


def _portable(outputs: list[nbformat.NotebookNode]) -> list[nbformat.NotebookNode]:
    """Outputs as every machine would store them: tracebacks without machine paths, and one
    stream output per run of prints (a loaded machine delivers a cell's prints in chunks)."""
    kept: list[nbformat.NotebookNode] = []
    for output in outputs:
        if output.output_type == "error":
            output.evalue = hide_paths(output.evalue)
            output.traceback = [hide_paths(line) for line in output.traceback]
        previous = kept[-1] if kept else None
        if (
            previous is not None
            and output.output_type == previous.output_type == "stream"
            and output.name == previous.name
        ):
            previous.text += output.text
        else:
            kept.append(output)
    return kept


def main(arguments: list[str]) -> int:
    paths = [Path(a) for a in arguments] or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"executing {path.name} ...", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
