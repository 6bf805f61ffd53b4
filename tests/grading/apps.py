"""Apps around a learner's router, kept under its old name: the home is ``workshop.grading.apps``."""

from workshop.grading.apps import app_with_router, client_for

__all__ = ["app_with_router", "client_for"]
