"""Discrimination reports: what happened, on what ground, when (the month), where (a
neighbourhood or a directory service) — and nothing that says who reported it.

The reporter is known only by a random follow-up code, of which only the SHA-256 is
stored. The account and any contact details are encrypted; after the retention period
they are erased and the categories stay for the observatory.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.encryption import EncryptedTextField
from portal.models import TimeStampedModel


class Category(models.TextChoices):
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work")
    PUBLIC_SERVICE = "public_service", _("A public service")
    POLICE = "police", _("Police or security")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health care")
    PUBLIC_SPACE = "public_space", _("Street or public space")
    ONLINE = "online", _("Online hate speech")
    OTHER = "other", _("Something else")


class Ground(models.TextChoices):
    ORIGIN = "origin", _("Origin")
    RELIGION = "religion", _("Religion")
    LANGUAGE = "language", _("Language or accent")
    SKIN_COLOUR = "skin_colour", _("Skin colour")
    PAPERS = "papers", _("Residence status or papers")
    GENDER = "gender", _("Gender")
    OTHER = "other", _("Another reason")


class Report(TimeStampedModel):
    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ASSESSED = "assessed", _("assessed")
        SUPPORT_OFFERED = "support_offered", _("support offered")
        REFERRED = "referred", _("referred to a legal service")
        CLOSED = "closed", _("closed")

    class Contact(models.TextChoices):
        NONE = "", _("Do not contact me")
        EMAIL = "email", _("By email")
        SMS = "sms", _("By text message (SMS)")
        PHONE = "phone", _("By a phone call")

    class CloseReason(models.TextChoices):
        NONE = "", _("not closed")
        SUPPORTED = "supported", _("the person was supported")
        REFERRED = "referred", _("followed by a legal service")
        NO_ACTION_WANTED = "no_action_wanted", _("the person wanted no further action")
        UNREACHABLE = "unreachable", _("the person could not be reached")
        OUT_OF_REMIT = "out_of_remit", _("outside what the office can act on")
        NOT_A_REPORT = "not_a_report", _("not a report (a test or spam)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    category = models.CharField(_("what happened"), max_length=16, choices=Category.choices)
    ground = models.CharField(_("why, do you think"), max_length=16, choices=Ground.choices)
    # The first day of the month it happened; empty: earlier than the form offers.
    incident_month = models.DateField(_("month it happened"), null=True, blank=True)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=40, blank=True)
    service = models.ForeignKey(
        "services.Service",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service or office concerned"),
    )
    account = EncryptedTextField(_("what happened, in your words"), blank=True)
    language = models.CharField(_("language of the report"), max_length=10)
    contact_channel = models.CharField(
        _("how to contact the person"),
        max_length=8,
        choices=Contact.choices,
        blank=True,
        default="",
    )
    contact_address = EncryptedTextField(_("phone number or email address"), blank=True)
    contact_language = models.CharField(_("language for contact"), max_length=10, blank=True)
    code_digest = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED
    )
    close_reason = models.CharField(
        _("reason for closing"),
        max_length=20,
        choices=CloseReason.choices,
        blank=True,
        default="",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    forwarded_to = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded to"),
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    referral = models.ForeignKey(
        "services.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral"),
    )
    erased_at = models.DateTimeField(_("texts erased at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("discrimination report")
        verbose_name_plural = _("discrimination reports")
        default_permissions = ()
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["forwarded_to", "forwarded_at"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""),
                name="report_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(contact_channel="") | Q(contact_address=""),
                name="report_address_only_with_channel",
            ),
            models.CheckConstraint(
                condition=Q(erased_at__isnull=True) | (Q(account="") & Q(contact_address="")),
                name="report_erased_holds_no_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} ({self.get_status_display()})"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ReportMessage(models.Model):
    """Text added to a report after it was made, each kind seen by its own readers."""

    class Kind(models.TextChoices):
        NOTE = "note", _("internal note")  # the office only
        ANSWER = "answer", _("answer to the person")  # the office and the reporter
        REPORTER = "reporter", _("added by the person")  # the office and the reporter
        FORWARD = "forward", _("message to the organisation")  # the office and the org
        ORGANISATION = "organisation", _("response of the organisation")  # the same

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = EncryptedTextField(_("text"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report message")
        verbose_name_plural = _("report messages")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.kind} on {self.report_id}"


class ReportEvent(models.Model):
    """One move of a report: who, when, from what to what."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, choices=Report.Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Report.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
