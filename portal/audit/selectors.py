from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from portal.audit.models import AuditEntry


def audit_entry_list_for_object(*, obj: models.Model) -> QuerySet[AuditEntry]:
    """Who looked at or changed this record, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_pk=str(obj.pk),
    ).select_related("actor", "content_type")
