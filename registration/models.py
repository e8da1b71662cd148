"""Residence attestations: only what the attestation needs, identity fields encrypted.

No nationality, no legal status, no document numbers, no photos — and no way to list or
search people: a record is opened only by its attestation code (see tests).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.encryption import EncryptedTextField
from portal.models import TimeStampedModel


class Route(models.TextChoices):
    RESIDENT_REGISTER = "register", _("Registration as a resident of the city")
    DOMICILIATION = "domiciliation", _("A postal address (domiciliation)")
    SOCIAL_LINKS = "social_links", _("Attestation through your links with the city")


class Evidence(models.TextChoices):
    LEASE_OR_BILL = "lease_or_bill", _("A lease, a rent receipt or a bill in your name")
    HOSTING = "hosting", _("A letter from the person who hosts you")
    ASSOCIATION = "association", _("A letter from an association that knows you")
    SCHOOL = "school", _("A school certificate of your child")
    WORK = "work", _("A pay slip or a letter from an employer")
    SOCIAL_SERVICES = "social_services", _("A record from the social services")
    HEALTH = "health", _("A record from a health centre or a hospital")
    NEIGHBOUR = "neighbour", _("The testimony of a neighbour")


class Attestation(TimeStampedModel):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")
        ERASED = "erased", _("erased")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    route = models.CharField(_("route"), max_length=16, choices=Route.choices)
    neighbourhood = models.CharField(_("neighbourhood"), max_length=40)
    evidence = ArrayField(
        models.CharField(max_length=20, choices=Evidence.choices), verbose_name=_("evidence seen")
    )
    display_name = EncryptedTextField(_("name chosen by the person"), blank=True)
    address = EncryptedTextField(_("address or domiciliation address"), blank=True)
    residence_since = models.DateField(_("living in the city since"), null=True, blank=True)
    person_language = models.CharField(_("language of the person"), max_length=10)
    # HMAC of normalised name + birth year with a key outside the database: the same
    # person at another counter gives the same value; nobody can reverse it.
    pseudonym = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 - NULL once erased
    code_hash = models.CharField(max_length=64, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.VALID
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        verbose_name = _("residence attestation")
        verbose_name_plural = _("residence attestations")
        constraints = [
            models.UniqueConstraint(
                fields=["pseudonym"],
                condition=Q(status="valid"),
                name="attestation_one_valid_per_person",
            ),
            models.CheckConstraint(
                condition=~Q(status="erased")
                | (Q(display_name="") & Q(address="") & Q(pseudonym__isnull=True)),
                name="attestation_erased_holds_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_route_display()} ({self.valid_from:%Y-%m})"


class EligibilityRelease(models.Model):
    """'This attestation released its code for this budget': never the code itself."""

    attestation = models.ForeignKey(Attestation, on_delete=models.CASCADE, related_name="+")
    process = models.ForeignKey("participation.Process", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("eligibility code released")
        verbose_name_plural = _("eligibility codes released")
        constraints = [
            models.UniqueConstraint(
                fields=["attestation", "process"], name="eligibility_release_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attestation_id} / {self.process_id}"
