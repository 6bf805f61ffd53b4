from django.contrib import admin

from app.accounts.models import ReadingListEntry


@admin.register(ReadingListEntry)
class ReadingListEntryAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "book", "added_at"]
    list_select_related = ["user", "book"]
    list_filter = ["user", "added_at"]
    search_fields = ["user__username", "book__title", "book__isbn"]
    # Select boxes would load every user and every book into one page.
    raw_id_fields = ["user", "book"]
    date_hierarchy = "added_at"
