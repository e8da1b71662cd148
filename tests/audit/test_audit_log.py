"""The audit log records who touched a record, and nothing can rewrite it."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from portal.audit.actions import audit_record
from portal.audit.models import AuditAction, AuditEntry
from portal.audit.selectors import audit_entry_list_for_object
from tests.factories.accounts import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_records_actor_action_object_and_utc_time() -> None:
    actor = UserFactory()
    organisation = OrganisationFactory()
    entry = audit_record(actor=actor, action=AuditAction.VIEW, obj=organisation)
    assert entry.occurred_at.utcoffset().total_seconds() == 0
    entries = list(audit_entry_list_for_object(obj=organisation))
    assert [(e.actor, e.action, e.object_pk) for e in entries] == [
        (actor, "view", str(organisation.pk))
    ]


def test_orm_cannot_change_or_delete_entries() -> None:
    entry = audit_record(actor=None, action=AuditAction.CHANGE, obj=OrganisationFactory())
    entry.detail = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_database_refuses_raw_updates_and_deletes() -> None:
    entry = audit_record(actor=None, action=AuditAction.CHANGE, obj=OrganisationFactory())
    for statement in ("UPDATE audit_auditentry SET detail = 'x'", "DELETE FROM audit_auditentry"):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_deleting_a_user_keeps_their_entries() -> None:
    actor = UserFactory()
    organisation = OrganisationFactory()
    audit_record(actor=actor, action=AuditAction.VIEW, obj=organisation)
    actor_pk = actor.pk
    actor.delete()
    entry = AuditEntry.objects.get()
    assert entry.actor_id == actor_pk


def test_admin_offers_no_way_to_add_change_or_delete(admin_client: object) -> None:
    entry = audit_record(actor=None, action=AuditAction.VIEW, obj=OrganisationFactory())
    assert admin_client.get("/fr/admin/audit/auditentry/").status_code == 200  # type: ignore[attr-defined]
    assert admin_client.get("/fr/admin/audit/auditentry/add/").status_code == 403  # type: ignore[attr-defined]
    response = admin_client.post(  # type: ignore[attr-defined]
        f"/fr/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
