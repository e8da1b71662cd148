from django.core.management.base import BaseCommand

from portal.demo import seed_demo


class Command(BaseCommand):
    help = "Load the demo city's data. Idempotent: a second run adds nothing."

    def handle(self, *args: object, **options: object) -> None:
        added = seed_demo()
        summary = ", ".join(f"{count} {name}" for name, count in added.items())
        self.stdout.write(f"Demo data ready (added: {summary}).")
