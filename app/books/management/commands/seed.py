from django.core.management.base import BaseCommand

from app.seed import seed


class Command(BaseCommand):
    help = "Load the sample data (Hermann Hesse and his books). Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(seed().summary())
