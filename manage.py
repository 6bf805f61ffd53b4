#!/usr/bin/env python
"""Django's command line for the Books App: migrate, createsuperuser, seed, check --deploy."""

import logging
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> None:
    from app.bootstrap import setup_django

    try:
        setup_django()
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    # The pool logs every failed connection attempt (two lines each) while it retries; a command
    # reports an unreachable database once, below, so those retries are not shown.
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)
    try:
        execute_from_command_line(sys.argv)
    except OperationalError:
        # One line naming DATABASE_URL when the server cannot be reached (not a pool-timeout
        # traceback); any other database error is shown as Django shows it.
        from app.startup import unreachable_database_message

        problem = unreachable_database_message()
        if problem is None:
            raise
        sys.exit(f"Database error: {problem}")


if __name__ == "__main__":
    main()
