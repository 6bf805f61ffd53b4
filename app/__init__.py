"""The Books App: Django's ORM and admin inside one FastAPI process."""
