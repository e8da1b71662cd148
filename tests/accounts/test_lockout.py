"""Ten wrong passwords for one account from one address lock that pair out for an hour,
with a clear page; another address is not locked; a city admin's unlock works; nothing
about who tried is logged."""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from portal.accounts import actions

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


def _attempt(client: Client, password: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/fr/admin/login/?next=/fr/admin/",
        {"username": "target-staff", "password": password},
    )


def test_ten_failures_lock_the_account_on_that_address_until_unlocked(caplog) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    caplog.set_level(logging.DEBUG)
    actions.user_create(username="target-staff", password=PASSWORD, is_staff=True)
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _attempt_number in range(9):
        assert _attempt(attacker, "wrong-password-123").status_code == 200  # the form again
    assert _attempt(attacker, "wrong-password-123").status_code == 429  # the tenth locks
    locked = _attempt(attacker, PASSWORD)  # even the right password, now
    assert locked.status_code == 429
    assert "verrouillé pendant une heure" in locked.content.decode()
    # The same account from another address is not locked (lockout by username + address).
    assert _attempt(Client(REMOTE_ADDR="203.0.113.50"), PASSWORD).status_code == 302
    # A city admin unlocks; the right password works again from the first address.
    call_command("axes_reset_username", "target-staff")
    assert _attempt(attacker, PASSWORD).status_code == 302
    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert "198.51.100.7" not in logs and "target-staff" not in logs
