"""Where things are: the checkout that every room of ``workshop/`` imports, and this machine's
own paths, which must never reach a stored notebook or a built page.

Tracebacks and IPython's messages name files by absolute path (``/home/you/.../site-packages``).
The notebook runner stores outputs and the site renders them; both hide those prefixes with
:func:`hide_paths`, so the lessons read the same on every machine.
"""

import os
import re
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPOSITORY_ROOT / "notebooks"

# IPython compiles each cell to a temporary file named after the kernel's process id.
IPYKERNEL_CELL_FILE = re.compile(r"(?:/[^\s\"':]+)?/ipykernel_\d+/\d+\.py")


def machine_paths() -> list[tuple[str, str]]:
    """This machine's path prefixes that outputs may hold, each with its portable short form."""
    paths = sysconfig.get_paths()
    pairs = [
        (paths["purelib"] + os.sep, "site-packages/"),
        (paths["platlib"] + os.sep, "site-packages/"),
        (paths["stdlib"] + os.sep, "python/"),
        (str(REPOSITORY_ROOT) + os.sep, ""),
        (sys.prefix + os.sep, "python/"),
        (sys.base_prefix + os.sep, "python/"),
    ]
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        # IPython writes paths under the home folder as "~/...": hide that spelling too.
        pairs += [
            ("~" + prefix[len(home) :], short)
            for prefix, short in pairs
            if prefix.startswith(home + os.sep)
        ]
        pairs.append((home + os.sep, "~/"))
    return pairs


def hide_paths(text: str, replacements: Iterable[tuple[str, str]] | None = None) -> str:
    """``text`` with machine paths (``replacements``, by default :func:`machine_paths`) replaced
    by their short forms, longest prefix first (site-packages lies inside the repository when
    the virtualenv does), and IPython's per-kernel cell files shown as ``<cell>``."""
    pairs = machine_paths() if replacements is None else replacements
    for prefix, short in sorted(pairs, key=lambda pair: len(pair[0]), reverse=True):
        if len(prefix) > 1:
            text = text.replace(prefix, short)
    return IPYKERNEL_CELL_FILE.sub("<cell>", text)
