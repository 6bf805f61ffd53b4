from django.contrib import admin

from app.books.models import Book


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "author", "isbn", "publication_date"]
    list_select_related = ["author"]
    list_filter = ["author", "publication_date"]
    search_fields = ["title", "isbn", "author__name"]
    date_hierarchy = "publication_date"
