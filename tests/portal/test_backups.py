"""`make backup` / `make restore`: a dump restored into a fresh database holds the same
rows in every table, and encrypted fields are still ciphertext in the dump and after."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from discrimination import actions as report_actions
from participation import actions as council_actions
from participation.models import Council
from portal.backups import backup_create, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)

PLANTED = "Planted-backup: the landlord refused us at the door"


def _counts(cursor) -> dict[str, int]:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    found = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalog
        found[table] = cursor.fetchone()[0]
    return found


def test_a_backup_restores_into_a_fresh_database_with_every_row(tmp_path: Path) -> None:
    report_actions.report_submit(
        category="housing", ground="origin", incident_month=None, account=PLANTED
    )
    council = Council.objects.create(slug="backup-council", name="Conseil", name_fr="Conseil")
    council_actions.subscription_request(email="backup@example.org", language="fr", council=council)
    dump = backup_create(path=tmp_path / "portal.dump")
    assert dump.stat().st_size > 0
    assert PLANTED.encode() not in dump.read_bytes()  # encrypted in the dump

    fresh = f"restore_check_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{fresh}"')
    try:
        backup_restore(path=dump, database=fresh)
        settings = connection.settings_dict
        restored = psycopg2.connect(
            dbname=fresh,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
        )
        try:
            with connection.cursor() as original, restored.cursor() as copy:
                expected = _counts(original)
                assert _counts(copy) == expected
                assert expected["discrimination_report"] == 1
                assert expected["participation_subscription"] == 1
                copy.execute("SELECT account FROM discrimination_report")
                (stored,) = copy.fetchone()
                assert stored and PLANTED not in stored  # still ciphertext
        finally:
            restored.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


def test_restore_asks_for_confirmation_and_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), "--yes")
    dump = backup_create(path=tmp_path / "portal.dump")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump))
