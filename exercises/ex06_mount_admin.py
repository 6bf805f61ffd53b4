"""Exercise 06 · Mount Django's admin inside the FastAPI app.

Goal: one process serves the API and Django's admin. Write ``mount_admin(app)`` so that, on the
FastAPI ``app`` it is given:

- ``/admin/`` is Django's own ASGI application (``settings.ADMIN_PATH``): the login page
  answers 200, redirects keep the ``/admin`` prefix, logging in works (with its CSRF token);
- the admin's CSS and JavaScript are served at ``settings.STATIC_URL`` (``/static/``) straight
  from the ``django.contrib.admin`` package, whether DEBUG is on or off;
- books created through the API show up in the admin's book list (same database).

Hints (notebooks/06_admin_in_the_same_process.ipynb):
- the section on mounting Django's ASGI application (``django.core.asgi.get_asgi_application``,
  ``app.mount``);
- the section on static files (``starlette.staticfiles.StaticFiles(packages=[...])``);
- the section on logging in: the superuser and the CSRF token.

Check your work: ``make grade`` or ``.venv/bin/pytest tests/grading -k ex06``.
"""

from fastapi import FastAPI


def mount_admin(app: FastAPI) -> None:
    """Serve Django's admin at settings.ADMIN_PATH and its CSS/JS at settings.STATIC_URL."""
    # TODO exercise 06: mount StaticFiles at /static and Django's ASGI app at /admin.
    raise NotImplementedError("TODO exercise 06: write mount_admin()")
