from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "app.authors"
    label = "authors"
