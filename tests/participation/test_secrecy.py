"""Secrecy is in the schema: no column of the ballot tables joins to a code, a person or
an exact time, and ballots never reach the audit log."""

from __future__ import annotations

import pytest
from django.db import connection

from participation import actions
from portal.audit.models import AuditEntry
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

pytestmark = pytest.mark.django_db


def columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return dict(cursor.fetchall())


def foreign_keys(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ccu.table_name FROM information_schema.table_constraints tc
            JOIN information_schema.constraint_column_usage ccu
              ON tc.constraint_name = ccu.constraint_name
            WHERE tc.table_name = %s AND tc.constraint_type = 'FOREIGN KEY'
            """,
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def test_ballot_table_has_no_link_to_codes_people_or_times() -> None:
    ballot = columns("participation_ballot")
    assert set(ballot) == {"id", "process_id", "district_id", "channel", "cast_on", "receipt_hash"}
    assert ballot["id"] == "uuid"  # random, not a sequence that orders ballots in time
    assert ballot["cast_on"] == "date"  # the day, not the time
    assert not any("timestamp" in kind or "time" in kind for kind in ballot.values())
    assert foreign_keys("participation_ballot") == {
        "participation_process",
        "participation_district",
    }
    assert foreign_keys("participation_ballotchoice") == {
        "participation_ballot",
        "participation_proposal",
    }
    assert set(columns("participation_redeemedcode")) == {"code_hash"}
    code = columns("participation_eligibilitycode")
    assert not any("time" in kind for kind in code.values())
    assert "participation_ballot" not in foreign_keys("participation_eligibilitycode")


def test_casting_writes_nothing_to_the_audit_log(caplog: pytest.LogCaptureFixture) -> None:
    district = DistrictFactory()
    project = ProjectFactory(district=district)
    (code,) = make_codes(district.process, 1)
    with caplog.at_level("DEBUG"):
        cast = actions.ballot_cast(
            process=district.process, district=district, code=code, choices={project.pk: 1}
        )
    assert not AuditEntry.objects.exists()
    logged = caplog.text
    assert code not in logged and cast.receipt not in logged
