from django.apps import AppConfig


class BooksAppConfig(AppConfig):
    """The project package itself, registered so Django finds its ``seed`` command."""

    name = "app"
    label = "books_app"
    verbose_name = "Books App"
