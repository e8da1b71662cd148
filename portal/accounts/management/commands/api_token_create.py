"""Print a new API key for an account (an organisation's system account)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.accounts import actions
from portal.accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="organisation system")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active account is named {options['username']!r}.")
        _token, key = actions.api_token_create(user=user, name=options["name"])
        self.stdout.write(key)
