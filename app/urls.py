"""Django's URLs. The FastAPI app mounts Django at ``settings.ADMIN_PATH`` (/admin), so the
admin lives at the root of what Django sees."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("", admin.site.urls)]
