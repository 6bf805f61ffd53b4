#!/usr/bin/env python
"""Django's command line for the Books App: migrate, createsuperuser, seed, check --deploy."""

import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> None:
    from app.bootstrap import setup_django

    try:
        setup_django()
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
