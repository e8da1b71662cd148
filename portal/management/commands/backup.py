from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from portal.backups import backup_create


class Command(BaseCommand):
    help = "Dump the database (pg_dump custom format) to var/backups/ or --output."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="the file to write")

    def handle(self, *args: object, **options: object) -> None:
        path = backup_create(path=options.get("output"))  # type: ignore[arg-type]
        self.stdout.write(f"Backup written: {path} ({path.stat().st_size:,} bytes)")
