"""The two benchmark URLs, served by the views ``BENCH_DJANGO_VIEWS`` names."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import URLPattern, URLResolver, path

# A setting of bench/servers/django_settings.py only: django-stubs reads the app's settings.
VIEWS: str = getattr(settings, "BENCH_DJANGO_VIEWS", "async")
urlpatterns: list[URLPattern | URLResolver]
list_view: Callable[..., Any]
get_view: Callable[..., Any]

if VIEWS == "ninja":
    from bench.servers.ninja_api import api

    urlpatterns = [path("v0/", api.urls)]
else:
    from bench.servers import django_views

    if VIEWS == "sync":
        list_view, get_view = django_views.list_books_sync, django_views.get_book_sync
    else:
        list_view, get_view = django_views.list_books, django_views.get_book
    urlpatterns = [
        path("v0/books/", list_view),
        path("v0/books/<int:book_id>", get_view),
    ]
