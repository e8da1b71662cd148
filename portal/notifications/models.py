from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.encryption import EncryptedTextField
from portal.models import TimeStampedModel


class Notification(TimeStampedModel):
    """One message in the transactional outbox.

    The row is written in the same transaction as the change that causes it, so a
    rolled-back change sends nothing and a committed one is never forgotten: if Celery
    or Redis was down, beat hands pending rows to a worker again. The idempotency key is
    unique, so the same event never makes two messages. The recipient's address is
    encrypted and erased once the message is delivered or given up.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = EncryptedTextField(_("recipient address"), blank=True)
    language = models.CharField(_("language"), max_length=10)
    message = models.CharField(_("message"), max_length=100)
    # Values the message template shows. Ids and public names only, never personal data.
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The exception's class name only: messages can quote an address.
    last_error = models.CharField(_("last error"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(recipient=""),
                name="notification_address_erased_when_done",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message} ({self.get_channel_display()}, {self.get_status_display()})"
