from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "app.books"
    label = "books"
