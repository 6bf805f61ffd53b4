"""pytest configuration for ``pytest --nbval notebooks`` (``make notebooks``).

The lessons run with pytest-django switched off (``-p no:django``): each lesson's kernel sets
Django up itself, on a database of its own, and the pytest process must not configure Django or
export ``DJANGO_SETTINGS_MODULE`` to the kernels it starts. pyproject.toml still names
``DJANGO_SETTINGS_MODULE`` for the app's tests; with the plugin off nobody declares that key, and
``filterwarnings = ["error"]`` turns pytest's "unknown config option" warning into a failure.
Declaring the key here (only when pytest-django has not) keeps the run clean without hiding any
warning.
"""

import contextlib

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    # ValueError: pytest-django is active and declared the key already.
    with contextlib.suppress(ValueError):
        parser.addini("DJANGO_SETTINGS_MODULE", "Django settings module (pytest-django's key)")
