"""The WSGI entry gunicorn imports for ``django_gunicorn`` (``bench.servers.wsgi:application``)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.servers.django_settings")
os.environ.setdefault("BENCH_DJANGO_VIEWS", "sync")

from django.core.wsgi import get_wsgi_application  # after the settings are chosen

application = get_wsgi_application()
