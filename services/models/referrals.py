"""Referrals between services.

A referral concerns a *client token* (a random code written on a card for the person)
and, if the sending organisation wants to recognise returning people, a keyed
pseudonym whose key is not in the database. There is no name, birth date, nationality
or legal-status field, and no way to search referrals by anything about a person.
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
from services.models.directory import Service, TaxonomyTerm


class Referral(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENT = "sent", _("sent, waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        COMPLETED = "completed", _("completed: the person was helped")
        NO_SHOW = "no_show", _("the person did not come")
        WITHDRAWN = "withdrawn", _("withdrawn by the sender")

    class Consent(models.TextChoices):
        NOT_RECORDED = "", _("not recorded yet")
        GIVEN = "given", _("the person agreed to be referred")
        OVERRIDDEN = "overridden", _("sent without consent, for a recorded reason")

    class Contact(models.TextChoices):
        NO_CHOICE = "", _("no choice made: nobody contacts the person")
        CASEWORKER_ONLY = "caseworker", _("only through the caseworker (do not reach out)")
        SMS = "sms", _("by SMS")
        EMAIL = "email", _("by email")

    class DeclineReason(models.TextChoices):
        NONE = "", _("no reason")
        FULL = "full", _("no place available")
        NOT_ELIGIBLE = "not_eligible", _("the service cannot help with this need")
        OUT_OF_AREA = "out_of_area", _("outside the area the service covers")
        OTHER = "other", _("another reason (see the notes)")

    CLOSED = (Status.DECLINED, Status.COMPLETED, Status.NO_SHOW, Status.WITHDRAWN)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sending_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sending organisation"),
    )
    receiving_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiving organisation"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    need = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("need"),
    )
    client_token = models.CharField(_("client card code"), max_length=16, blank=True)
    # HMAC-SHA256 under a key derived for the sending organisation from a secret outside
    # the database: that organisation recognises a returning person, nobody else can.
    pseudonym = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL once anonymised
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    consent = models.CharField(
        _("consent"), max_length=12, choices=Consent.choices, blank=True, default=""
    )
    consent_override_reason = EncryptedTextField(
        _("reason for sending without consent"), blank=True
    )
    contact_channel = models.CharField(
        _("how the person wants to be contacted"),
        max_length=12,
        choices=Contact.choices,
        blank=True,
        default="",
    )
    contact_address = EncryptedTextField(_("phone number or email address"), blank=True)
    contact_language = models.CharField(_("language of the person"), max_length=10, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"),
        max_length=16,
        choices=DeclineReason.choices,
        blank=True,
        default="",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        permissions = [
            (
                "override_referral_consent",
                _("Can send a referral without recorded consent, giving a reason"),
            )
        ]
        indexes = [
            models.Index(fields=["sending_organisation", "status"]),
            models.Index(fields=["receiving_organisation", "status"]),
            models.Index(fields=["status", "closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(consent=""),
                name="referral_sent_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(consent="overridden") | ~Q(consent_override_reason=""),
                name="referral_override_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="referral_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(contact_channel__in=["sms", "email"]) | Q(contact_address=""),
                name="referral_address_only_when_used",
            ),
            models.CheckConstraint(
                condition=Q(anonymised_at__isnull=True)
                | (
                    Q(pseudonym__isnull=True)
                    & Q(client_token="")
                    & Q(contact_address="")
                    & Q(consent_override_reason="")
                ),
                name="referral_anonymised_holds_nothing_personal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.get_status_display()})"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class ReferralEvent(models.Model):
    """One move of a referral: who, for which organisation, when, from what to what."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Referral.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"


class ReferralNote(TimeStampedModel):
    """Free text about the referral: encrypted, seen by the two organisations, expiring."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = EncryptedTextField(_("note"))
    expires_at = models.DateTimeField(_("deleted on"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("referral note")
        verbose_name_plural = _("referral notes")

    def __str__(self) -> str:
        return f"note on {self.referral_id}"
