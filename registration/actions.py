"""Writes of the registration helper. Every read or change of a record is audited."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation import actions as participation_actions
from participation.models import Phase, Process
from portal import codes
from portal.accounts.models import Membership, Organisation, User
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from registration.models import Attestation, EligibilityRelease


class DuplicateAttestationError(ValidationError):
    """The same person already holds a valid attestation (who it is is not said)."""


def pseudonym(*, name: str, birth_year: int) -> str:
    """Keyed, purpose-specific pseudonym of a person; the key is not in the database."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    normalised = " ".join(
        "".join(character for character in folded if not unicodedata.combining(character)).split()
    )
    message = f"registration|{normalised}|{birth_year}".encode()
    return hmac.new(
        settings.REGISTRATION_PSEUDONYM_KEY.encode(), message, hashlib.sha256
    ).hexdigest()


def ensure_counter(*, user: User, organisation: Organisation | None = None) -> Organisation:
    """The accredited organisation `user` issues attestations for, or PermissionDenied."""
    memberships = Membership.objects.filter(
        user=user, organisation__is_accredited=True
    ).select_related("organisation")
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    membership = memberships.first()
    if membership is None:
        raise PermissionDenied("not a caseworker of an accredited organisation")
    return membership.organisation


@dataclass(frozen=True)
class Issued:
    attestation: Attestation
    code: str


@transaction.atomic
def attestation_issue(
    *,
    caseworker: User,
    display_name: str,
    birth_year: int,
    address: str,
    route: str,
    neighbourhood: str,
    evidence: list[str],
    residence_since: datetime.date | None,
    person_language: str,
    validity_days: int = 365,
) -> Issued:
    organisation = ensure_counter(user=caseworker)
    if not evidence:
        raise ValidationError(_("Tick at least one kind of evidence you have seen."))
    digest = pseudonym(name=display_name, birth_year=birth_year)
    if Attestation.objects.filter(pseudonym=digest, status=Attestation.Status.VALID).exists():
        raise DuplicateAttestationError(
            _("This person already has a valid attestation. Renew it instead of issuing a new one.")
        )
    code = codes.new_code()
    today = timezone.localdate()
    attestation = Attestation(
        organisation=organisation,
        issued_by=caseworker,
        route=route,
        neighbourhood=neighbourhood,
        evidence=evidence,
        display_name=display_name,
        address=address,
        residence_since=residence_since,
        person_language=person_language,
        pseudonym=digest,
        code_hash=codes.code_hash(codes.normalise(code) or ""),
        valid_from=today,
        valid_until=today + datetime.timedelta(days=validity_days),
    )
    attestation.full_clean()
    try:
        with transaction.atomic():
            attestation.save()
    except IntegrityError:  # the same person at another counter, at the same moment
        raise DuplicateAttestationError(
            _("This person already has a valid attestation. Renew it instead of issuing a new one.")
        ) from None
    audit_record(actor=caseworker, action=AuditAction.CREATE, obj=attestation)
    return Issued(attestation=attestation, code=code)


def attestation_open(*, code: str, caseworker: User) -> Attestation | None:
    """A record opened by its code at an accredited counter: the only way in. Audited."""
    ensure_counter(user=caseworker)
    canonical = codes.normalise(code)
    if canonical is None:
        return None
    attestation = Attestation.objects.filter(code_hash=codes.code_hash(canonical)).first()
    if attestation is not None:
        audit_record(actor=caseworker, action=AuditAction.VIEW, obj=attestation)
    return attestation


@dataclass(frozen=True)
class Verification:
    status: str  # valid | expired | revoked | unknown
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None


def attestation_verify(*, code: str) -> Verification:
    """What anyone may know of a code: valid, expired, revoked or unknown, and the dates.

    A malformed code is answered exactly like an unknown one, after the same work.
    """
    canonical = codes.normalise(code) or ""
    digest = codes.code_hash(canonical)  # hashed even when malformed: same work, same answer
    attestation = (
        Attestation.objects.filter(code_hash=digest)
        .exclude(status=Attestation.Status.ERASED)
        .first()
        if canonical
        else Attestation.objects.filter(code_hash=digest, pk__lt=0).first()
    )
    if attestation is None:
        return Verification("unknown")
    if attestation.status == Attestation.Status.REVOKED:
        state = "revoked"
    elif attestation.valid_until < timezone.localdate():
        state = "expired"
    else:
        state = "valid"
    return Verification(state, attestation.valid_from, attestation.valid_until)


def _for_caseworker(attestation: Attestation, caseworker: User) -> Attestation:
    """Only the issuing organisation changes a record."""
    ensure_counter(user=caseworker, organisation=attestation.organisation)
    return Attestation.objects.select_for_update().get(pk=attestation.pk)


@transaction.atomic
def attestation_renew(
    *, attestation: Attestation, caseworker: User, validity_days: int = 365
) -> Attestation:
    attestation = _for_caseworker(attestation, caseworker)
    if attestation.status != Attestation.Status.VALID:
        raise ValidationError(_("Only a valid attestation can be renewed."))
    attestation.valid_until = timezone.localdate() + datetime.timedelta(days=validity_days)
    attestation.save(update_fields=["valid_until", "updated_at"])
    audit_record(actor=caseworker, action=AuditAction.CHANGE, obj=attestation, detail="renewed")
    return attestation


@transaction.atomic
def attestation_revoke(*, attestation: Attestation, caseworker: User, reason: str) -> Attestation:
    attestation = _for_caseworker(attestation, caseworker)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the revocation."))
    if attestation.status != Attestation.Status.VALID:
        raise ValidationError(_("Only a valid attestation can be revoked."))
    attestation.status = Attestation.Status.REVOKED
    attestation.revocation_reason = reason
    attestation.save(update_fields=["status", "revocation_reason", "updated_at"])
    audit_record(actor=caseworker, action=AuditAction.CHANGE, obj=attestation, detail="revoked")
    return attestation


def _erase(attestation: Attestation) -> None:
    attestation.display_name = ""
    attestation.address = ""
    attestation.pseudonym = None
    attestation.residence_since = None
    attestation.revocation_reason = ""
    attestation.status = Attestation.Status.ERASED
    attestation.save()


@transaction.atomic
def attestation_erase(*, attestation: Attestation, caseworker: User) -> Attestation:
    """The person's right to erasure: identity gone, an anonymous count kept."""
    attestation = _for_caseworker(attestation, caseworker)
    if attestation.status != Attestation.Status.ERASED:
        _erase(attestation)
        audit_record(actor=caseworker, action=AuditAction.ERASE, obj=attestation)
    return attestation


@transaction.atomic
def attestation_erase_expired(*, older_than_days: int | None = None) -> int:
    """Erase records expired for more than the retention period. Safe to run twice."""
    days = settings.REGISTRATION_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.localdate() - datetime.timedelta(days=days)
    expired = list(
        Attestation.objects.select_for_update()
        .filter(valid_until__lt=cutoff)
        .exclude(status=Attestation.Status.ERASED)
    )
    for attestation in expired:
        _erase(attestation)
        audit_record(actor=None, action=AuditAction.ERASE, obj=attestation, detail="retention")
    return len(expired)


@transaction.atomic
def eligibility_code_release(
    *, attestation: Attestation, process: Process, caseworker: User
) -> str:
    """One PB eligibility code per attestation and budget. Only 'released: yes' is kept;
    the code itself is given to the person and linked to nothing."""
    attestation = _for_caseworker(attestation, caseworker)
    if attestation_verify_state(attestation) != "valid":
        raise ValidationError(_("Only a valid attestation releases an eligibility code."))
    if process.phase not in {Phase.REVIEW, Phase.VOTING}:
        raise ValidationError(_("This budget does not give out codes now."))
    try:
        with transaction.atomic():
            EligibilityRelease.objects.create(attestation=attestation, process=process)
    except IntegrityError:
        raise ValidationError(
            _("This attestation has already released its code for this budget.")
        ) from None
    audit_record(actor=caseworker, action=AuditAction.CHANGE, obj=attestation, detail="pb code")
    return participation_actions.eligibility_code_issue(process=process)


def attestation_verify_state(attestation: Attestation) -> str:
    if attestation.status != Attestation.Status.VALID:
        return attestation.status
    return "expired" if attestation.valid_until < timezone.localdate() else "valid"
