from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    ERASE = "erase", _("erased")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who read or changed a person-related record, and when (UTC).

    Append-only: the ORM refuses updates and deletes, and a database trigger refuses
    them too (migration 0002), so not even raw SQL can rewrite history. Nothing about
    the person is stored here, only the record's type and primary key.
    """

    occurred_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    # No database constraint: deleting a user must neither fail nor rewrite the log.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, verbose_name=_("record type")
    )
    object_pk = models.CharField(_("record"), max_length=64)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["content_type", "object_pk", "occurred_at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.action} {self.content_type_id}:{self.object_pk}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("The audit log is append-only.")
