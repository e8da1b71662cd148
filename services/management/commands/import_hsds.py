"""manage.py import_hsds PATH: import an HSDS 3.0 directory (JSON files or a CSV dataset).

On a terminal, progress is shown on one line (records per second and time left); then
the report: created / updated / unchanged per table, each rejected record with its
reason, and the notes (links left out, HSDS tables the portal does not keep). Exits 0
when the import ran, even with rejected records (they are listed), and 2 when nothing
could be read.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from services.hsds_import import TABLES, HsdsImportError, ImportReport, import_hsds


class _ProgressLine:
    """`done/total records  n records/s  ETA m:ss` rewritten in place with \\r."""

    def __init__(self, stream: OutputWrapper, *, interval: float = 0.1) -> None:
        self.stream = stream
        self.interval = interval
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < self.interval:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        minutes, seconds = divmod(round(left), 60)
        self.stream.write(
            f"\r{done}/{total} records  {rate:,.0f} records/s  ETA {minutes}:{seconds:02d}  ",
            ending="",
        )
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS 3.0 directory: PATH is a folder of HSDS JSON files "
        "or an HSDS tabular dataset (CSV files with their datapackage.json). Records are "
        "upserted by their HSDS id; invalid ones are reported and left out; nothing is "
        "written unless the whole import succeeds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--language",
            help="language of the texts of records that name none (default: the source language)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        progress = _ProgressLine(self.stdout) if self.stdout.isatty() else None
        started = time.monotonic()
        try:
            report = import_hsds(options["path"], progress=progress, language=options["language"])
        except HsdsImportError as error:
            raise CommandError(str(error), returncode=2) from error
        except KeyboardInterrupt:
            if progress is not None:
                progress.finish()
            raise CommandError("Interrupted: nothing was imported.", returncode=130) from None
        if progress is not None:
            progress.finish()
        self._print(report, seconds=time.monotonic() - started)
        if not report.records_read:
            raise CommandError("No HSDS record could be read.", returncode=2)

    def _print(self, report: ImportReport, *, seconds: float) -> None:
        write = self.stdout.write
        write(f"Read {report.records_read} records from {len(report.files)} file(s).")
        rows = [
            (table, count)
            for table in TABLES
            if (count := report.tables[table]).total or count.rejected
        ]
        if rows:
            write(f"{'table':<22}{'created':>9}{'updated':>9}{'unchanged':>11}{'rejected':>10}")
            for table, count in rows:
                write(
                    f"{table:<22}{count.created:>9}{count.updated:>9}"
                    f"{count.unchanged:>11}{count.rejected:>10}"
                )
        if report.rejected:
            write(self.style.WARNING(f"Rejected ({len(report.rejected)}):"))
            for rejection in report.rejected:
                write(f"  {rejection}")
        if report.notes:
            write(f"Notes ({len(report.notes)}):")
            for note in report.notes:
                write(f"  {note}")
        summary = (
            f"{report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {len(report.rejected)} rejected "
            f"in {seconds:.1f} s."
        )
        write(self.style.SUCCESS(summary) if not report.rejected else summary)
