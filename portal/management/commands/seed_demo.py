from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo import seed_demo
from portal.i18n.registry import quiet


class Command(BaseCommand):
    help = (
        "Load the demo city's data: accounts, then each app's `demo.seed()`. "
        "Idempotent: a second run adds nothing. With --scale N, also generate a synthetic "
        "directory N times the size of the demo's (N times its services and locations, at "
        "least 1.5 locations per service), for benchmarks; generated rows belong to "
        'organisations whose identifier starts with "scale-", are replaced on each '
        "--scale run, and --scale 0 removes them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="also generate N times the demo directory (services.scale); 0 removes it",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed of the generated directory"
        )

    def handle(self, *args: object, **options: object) -> None:
        with quiet():  # no translation job per demo object
            self._seed(options)

    def _seed(self, options: dict[str, object]) -> None:
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
        scale = options.get("scale")
        if scale is not None:
            self._scale(int(scale), seed=int(options["seed"]))  # type: ignore[call-overload]

    def _scale(self, factor: int, *, seed: int) -> None:
        from services import scale

        if factor < 0:
            raise CommandError("--scale must be 0 or more")
        removed = scale.remove()
        if removed["services"] or removed["organisations"]:
            self.stdout.write(
                f"Removed the previous generated directory ({removed['services']} services)."
            )
        if factor == 0:
            return
        sizes = scale.counts()
        services = factor * max(sizes["other_services"], 1)
        locations = max(factor * sizes["other_locations"], services * 3 // 2)
        self.stdout.write(
            f"Generating {services} services at {locations} locations "
            f"({factor} times the demo's {sizes['other_services']} services)..."
        )
        made = scale.generate(
            services=services, locations=locations, seed=seed, progress=self.stdout.write
        )
        summary = ", ".join(f"{count} {name}" for name, count in made.items())
        self.stdout.write(f"Generated directory ready ({summary}).")
