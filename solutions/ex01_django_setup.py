"""Solution to exercise 01: the Django bootstrap.

The same four lines as ``app/bootstrap.py`` (written out here, since writing them is the exercise).
"""

import os

import django
from django.apps import apps

SETTINGS_MODULE = "app.settings"


def setup_django() -> None:
    """Configure Django once per process; later calls return at once."""
    # `apps.ready`, not a flag of our own: whoever ran django.setup() first (manage.py, pytest-django),
    # a second populate is skipped.
    if apps.ready:
        return
    # setdefault: a DJANGO_SETTINGS_MODULE chosen by the caller (tests, production) wins.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
