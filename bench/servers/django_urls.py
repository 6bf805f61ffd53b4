"""The two benchmark URLs, served by the views ``BENCH_DJANGO_VIEWS`` names."""

from django.conf import settings
from django.urls import path

if settings.BENCH_DJANGO_VIEWS == "ninja":
    from bench.servers.ninja_api import api

    urlpatterns = [path("v0/", api.urls)]
else:
    from bench.servers import django_views

    if settings.BENCH_DJANGO_VIEWS == "sync":
        list_view, get_view = django_views.list_books_sync, django_views.get_book_sync
    else:
        list_view, get_view = django_views.list_books, django_views.get_book
    urlpatterns = [
        path("v0/books/", list_view),
        path("v0/books/<int:book_id>", get_view),
    ]
