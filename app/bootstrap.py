"""The one place ``django.setup()`` runs.

Django must load its settings and app registry before any model is imported; importing
``app.books.models`` first raises ``AppRegistryNotReady``. Every entry point (``app.main``,
``manage.py``, the tests, the notebooks) calls :func:`setup_django` first, so the order of
imports elsewhere stops mattering.
"""

import os

import django
from django.apps import apps

SETTINGS_MODULE = "app.settings"


def setup_django() -> None:
    """Configure Django once per process; later calls return at once."""
    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
