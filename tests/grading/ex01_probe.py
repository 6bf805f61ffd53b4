"""Run in a fresh interpreter by test_ex01_django_setup.py: load the learner's bootstrap module,
call ``setup_django()`` twice, and print what happened as one JSON line.

A fresh process, and one that does NOTHING before the learner's code runs: no model import, no
settings access. Whatever the grader touched first would configure Django in the learner's
place (reading ``settings`` fixes the settings module for good), and a wrong ``setup_django()``
would then look right. Only ``apps.ready`` and ``settings.configured`` are read before the call:
neither configures anything.
"""

import importlib.util
import json
import os
import sys
import traceback


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def main(path: str) -> dict:
    observed: dict = {"settings_module_before": os.environ.get("DJANGO_SETTINGS_MODULE")}
    from django.apps import apps
    from django.apps.registry import Apps
    from django.conf import settings

    populate = Apps.populate
    calls = []

    def counting_populate(self, installed_apps=None):
        calls.append(1)
        return populate(self, installed_apps)

    Apps.populate = counting_populate  # counts django.setup() however the learner calls it
    observed["populate_calls_before"] = 0 if not apps.ready else -1

    spec = importlib.util.spec_from_file_location("graded_ex01_django_setup", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except BaseException as error:
        observed["import_error"] = describe(error)
        return observed
    observed["ready_after_import"] = apps.ready
    observed["configured_after_import"] = settings.configured
    for attempt in ("first_call", "second_call"):
        try:
            module.setup_django()
        except BaseException as error:
            observed[attempt] = describe(error)
            observed[f"{attempt}_traceback"] = traceback.format_exc(limit=3)
            return observed
        observed[attempt] = "ok"
        observed[f"populate_calls_after_{attempt}"] = len(calls)
        if attempt == "first_call":
            observed["ready_after_setup"] = apps.ready
    try:
        from app.books.models import Book

        observed["book_app_label"] = Book._meta.app_label
    except Exception as error:
        observed["book_app_label"] = describe(error)
    observed["settings_module_after"] = os.environ.get("DJANGO_SETTINGS_MODULE")
    observed["root_urlconf"] = getattr(settings, "ROOT_URLCONF", None)
    observed["grading_marker"] = getattr(settings, "GRADING_PROBE_MARKER", None)
    return observed


if __name__ == "__main__":
    if sys.argv[2:] == ["--already-set-up"]:
        # Someone else (manage.py, pytest-django) configured Django before the learner's call.
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")
        import django

        django.setup()
    print(json.dumps(main(sys.argv[1])))
