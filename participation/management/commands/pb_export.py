from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.models import Process
from participation.pb_export import process_district_pb


class Command(BaseCommand):
    help = (
        "Print the pabulib .pb file of a participatory budget (all its ballots), so anyone "
        "can recompute the result: manage.py pb_export PROCESS_SLUG [--district SLUG] > out.pb"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process_slug")
        parser.add_argument("--district", help="needed when the budget has several districts")

    def handle(self, *args: object, **options: object) -> None:
        process = Process.objects.filter(slug=options["process_slug"]).first()
        if process is None:
            raise CommandError(f"No participatory budget called {options['process_slug']!r}.")
        districts = list(process.districts.order_by("slug"))
        if options["district"]:
            districts = [d for d in districts if d.slug == options["district"]]
            if not districts:
                raise CommandError(f"No district {options['district']!r} in this budget.")
        elif len(districts) > 1:
            names = ", ".join(d.slug for d in districts)
            raise CommandError(
                f"This budget has several districts; choose one with --district ({names})."
            )
        self.stdout.write(process_district_pb(district=districts[0]), ending="")
