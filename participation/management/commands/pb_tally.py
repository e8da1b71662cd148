"""``manage.py pb_tally``: count a pabulib ``.pb`` file with greedy or MES (+ add1).

Works on files only -- it imports no model and touches no database -- so a clerk can check a
city's official outcome, or an export of ours, anywhere the code is installed.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from participation.tally import PbFormatError, format_money, parse_pb, tally

#: Exit status for unreadable or malformed input (argparse uses the same for bad arguments).
EXIT_BAD_INPUT = 2


def json_cost(cost: Fraction) -> int | str:
    """The cost as JSON: an integer when whole, else the exact decimal as a string ("12.50").

    A string rather than a JSON number because most JSON readers turn numbers into binary
    floats, which cannot hold most amounts with cents exactly.
    """
    if cost.denominator == 1:
        return cost.numerator
    text = format_money(cost)
    whole, _dot, cents = text.partition(".")
    return f"{whole}.{cents.ljust(2, '0')}"


class Command(BaseCommand):
    help = (
        "Tally a participatory-budget election in the pabulib .pb format with greedy (by votes) "
        "or the Method of Equal Shares with add1 completion. With --json, prints "
        '{"selected": [...], "rule": ..., "cost": ...}; cost is an integer when whole, else an '
        "exact decimal string. Unreadable or malformed files exit with status 2."
    )
    requires_system_checks: list[str] = []  # files only: no database, nothing to check

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pb-file", required=True, type=Path, help="the .pb file to count")
        parser.add_argument(
            "--rule",
            required=True,
            choices=["greedy", "mes"],
            help="greedy by votes, or mes = Method of Equal Shares with add1 completion",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["pb_file"]))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}", returncode=EXIT_BAD_INPUT) from error
        try:
            instance = parse_pb(text)
        except PbFormatError as error:
            raise CommandError(f"{path}: {error}", returncode=EXIT_BAD_INPUT) from error
        rule = str(options["rule"])
        result = tally(instance=instance, rule=rule)  # type: ignore[arg-type]
        if options["json"]:
            payload = {
                "selected": result.selected,
                "rule": result.rule,
                "cost": json_cost(result.cost),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"Rule: {result.rule}")
        self.stdout.write(f"Budget: {format_money(instance.budget)}")
        self.stdout.write(f"Selected: {len(result.selected)} of {len(instance.projects)} projects")
        for project_id in result.selected:
            project = instance.projects[project_id]
            label = f" {project.name}" if project.name else ""
            self.stdout.write(f"  {project_id}\t{format_money(project.cost)}{label}")
        self.stdout.write(f"Total cost: {format_money(result.cost)}")
