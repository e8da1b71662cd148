from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from portal.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo city's data: accounts, then each app's `demo.seed()`. "
        "Idempotent: a second run adds nothing."
    )

    def handle(self, *args: object, **options: object) -> None:
        added = dict(seed_demo())
        for config in apps.get_app_configs():
            if config.name.startswith(("django.", "portal")):
                continue
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.demo":
                    raise
                continue
            added.update(module.seed())
        summary = ", ".join(f"{count} {name}" for name, count in added.items())
        self.stdout.write(f"Demo data ready (added: {summary}).")
