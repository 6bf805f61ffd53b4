from django.contrib import admin

from app.authors.models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["id", "name"]
    search_fields = ["name", "bio"]
