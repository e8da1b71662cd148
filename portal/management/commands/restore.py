from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.backups import backup_restore


class Command(BaseCommand):
    help = "Replace the database with a backup made by `backup` (in one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data is replaced"
        )

    def handle(self, *args: object, **options: object) -> None:
        path = options["path"]
        if not isinstance(path, Path) or not path.is_file():
            raise CommandError(f"No backup file at {path}")
        if not options["yes"]:
            raise CommandError("This replaces every table of the database: add --yes.")
        backup_restore(path=path)
        self.stdout.write(f"Restored from {path}.")
