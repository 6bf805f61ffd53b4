"""Where things are in the checkout: one definition every room of ``workshop/`` imports."""

from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPOSITORY_ROOT / "notebooks"
