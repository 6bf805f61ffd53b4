"""Exercise 01 · Write the Django bootstrap.

Goal: a FastAPI process must configure Django before anything imports a model, or the import fails
with ``AppRegistryNotReady``. Write ``setup_django()``, the one function every entry point calls
first. It must:

- use ``app.settings`` unless ``DJANGO_SETTINGS_MODULE`` already names another settings module;
- configure Django so that ``from app.books.models import Book`` works afterwards;
- do nothing on a second call, or when Django was already set up by someone else;
- do nothing when this module is merely imported (only the call sets Django up).

Hints (notebooks/01_django_setup.ipynb):
- the section on ``AppRegistryNotReady`` shows the error and why the import order matters;
- the section on the bootstrap shows what ``django.setup()`` needs before it runs;
- ``django.apps.apps.ready`` tells whether the app registry is loaded.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex01``.
"""

SETTINGS_MODULE = "app.settings"


def setup_django() -> None:
    """Configure Django once per process; later calls return at once."""
    # TODO: return at once if Django is ready; otherwise default DJANGO_SETTINGS_MODULE to
    # SETTINGS_MODULE (without overriding one already set) and call django.setup().
    raise NotImplementedError("TODO exercise 01: write setup_django()")
