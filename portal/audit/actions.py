from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.audit.models import AuditAction, AuditEntry


def _entry(
    actor: models.Model | None, action: AuditAction | str, obj: models.Model, detail: str
) -> AuditEntry:
    return AuditEntry(
        actor=actor if actor is not None and actor.pk else None,
        action=AuditAction(action),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_pk=str(obj.pk),
        detail=detail[:200],
    )


def audit_record(
    *,
    actor: models.Model | None,
    action: AuditAction | str,
    obj: models.Model,
    detail: str = "",
) -> AuditEntry:
    """Append who did what to which record. `detail` must hold nothing personal."""
    entry = _entry(actor, action, obj, detail)
    entry.full_clean()
    entry.save()
    return entry


def audit_record_many(
    *,
    actor: models.Model | None,
    action: AuditAction | str,
    objs: list[models.Model],
    detail: str = "",
) -> int:
    """One entry per record in one INSERT (a list page read by staff): the cost of a
    page stays constant however many records it shows."""
    entries = [_entry(actor, action, obj, detail) for obj in objs]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)
