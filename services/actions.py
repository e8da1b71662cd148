"""Writes of referrals. Every read and change is audited; every move is locked.

Who may do what is decided here (and in the selectors), never only in the views:
members of the sending organisation send and withdraw, members of the receiving
organisation accept, decline and close. A referral the user's organisations are not
party to does not exist for them (Referral.DoesNotExist, shown as 404).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.accounts.models import Membership, Organisation, User
from portal.audit.actions import audit_record, audit_record_many
from portal.audit.models import AuditAction
from portal.i18n.languages import text_in_language
from portal.notifications.actions import link_in, notification_enqueue
from services import selectors
from services.models import Referral, ReferralEvent, ReferralNote, Service, TaxonomyTerm

Status = Referral.Status

# Alphabet without 0/O, 1/I/L: a code read aloud or copied from a card survives.
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # noqa: S105 - an alphabet, not a secret


def client_token_new() -> str:
    """A random card code such as `K7PQ-4XM9` (about 40 bits): it says nothing about anyone."""
    characters = "".join(secrets.choice(TOKEN_ALPHABET) for _index in range(8))
    return f"{characters[:4]}-{characters[4:]}"


def client_token_normalise(value: str) -> str:
    """The canonical form of a typed card code, or "" when it cannot be one."""
    folded = "".join(character for character in value.upper() if character.isalnum())
    if len(folded) != 8 or any(character not in TOKEN_ALPHABET for character in folded):
        return ""
    return f"{folded[:4]}-{folded[4:]}"


def client_pseudonym(*, organisation: Organisation, value: str) -> str:
    """HMAC-SHA256 of what the organisation chose to recognise a person by.

    The key is derived for this organisation from REFERRAL_PSEUDONYM_KEY (not in the
    database): the same input gives the same value in one organisation and an unrelated
    value in another, so pseudonyms cannot be joined across organisations.
    """
    purpose_key = hmac.new(
        settings.REFERRAL_PSEUDONYM_KEY.encode(),
        f"referral-pseudonym|organisation|{organisation.pk}".encode(),
        hashlib.sha256,
    ).digest()
    folded = unicodedata.normalize("NFKD", value.casefold())
    normalised = " ".join(
        "".join(character for character in folded if not unicodedata.combining(character)).split()
    )
    return hmac.new(purpose_key, normalised.encode(), hashlib.sha256).hexdigest()


# --- Who may do what -------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    side: str  # "sender" | "receiver"


def moves() -> dict[str, Move]:
    """Every allowed move. Labels are read in the current language."""
    return {
        move.name: move
        for move in (
            Move("send", _("Send"), (Status.DRAFT,), Status.SENT, "sender"),
            Move(
                "withdraw",
                _("Withdraw"),
                (Status.DRAFT, Status.SENT, Status.ACCEPTED),
                Status.WITHDRAWN,
                "sender",
            ),
            Move("accept", _("Accept"), (Status.SENT,), Status.ACCEPTED, "receiver"),
            Move("decline", _("Decline"), (Status.SENT,), Status.DECLINED, "receiver"),
            Move(
                "complete",
                _("The person was helped"),
                (Status.ACCEPTED,),
                Status.COMPLETED,
                "receiver",
            ),
            Move(
                "no_show",
                _("The person did not come"),
                (Status.ACCEPTED,),
                Status.NO_SHOW,
                "receiver",
            ),
        )
    }


def user_sides(*, referral: Referral, user: User) -> set[str]:
    organisations = selectors.organisation_ids_of(user=user)
    sides = set()
    if referral.sending_organisation_id in organisations:
        sides.add("sender")
    if referral.receiving_organisation_id in organisations:
        sides.add("receiver")
    return sides


def moves_for(*, referral: Referral, user: User) -> list[Move]:
    """The moves `user` may make on `referral` now (what the screens offer)."""
    sides = user_sides(referral=referral, user=user)
    return [
        move for move in moves().values() if move.side in sides and referral.status in move.sources
    ]


def _sending_organisation(user: User, organisation: Organisation | None) -> Organisation:
    memberships = Membership.objects.filter(user=user, user__is_active=True).select_related(
        "organisation"
    )
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    membership = memberships.order_by("pk").first()
    if membership is None:
        raise PermissionDenied("not a member of an organisation")
    return membership.organisation


# --- Creating and moving ---------------------------------------------------------------------


@transaction.atomic
def referral_create(
    *,
    caseworker: User,
    service: Service,
    organisation: Organisation | None = None,
    need: TaxonomyTerm | None = None,
    client_token: str = "",
    pseudonym_input: str = "",
    consent: str = "",
    consent_override_reason: str = "",
    contact_channel: str = "",
    contact_address: str = "",
    contact_language: str = "",
    note: str = "",
    send: bool = False,
) -> Referral:
    """A referral from the caseworker's organisation to `service`, as a draft or sent.

    `pseudonym_input` is turned into the keyed pseudonym and forgotten; `note` is stored
    encrypted. Sending needs the person's consent, or the override permission and a reason.
    """
    sender = _sending_organisation(caseworker, organisation)
    if service.status != Service.Status.ACTIVE:
        raise ValidationError(_("This service is not taking referrals now."))
    token = client_token_normalise(client_token) if client_token.strip() else client_token_new()
    if not token:
        raise ValidationError(
            _("The card code should look like K7PQ-4XM9: eight letters and digits.")
        )
    _check_consent(caseworker, consent, consent_override_reason)
    _check_contact(contact_channel, contact_address)
    referral = Referral(
        sending_organisation=sender,
        receiving_organisation=service.organisation,
        service=service,
        need=need,
        client_token=token,
        pseudonym=client_pseudonym(organisation=sender, value=pseudonym_input)
        if pseudonym_input.strip()
        else None,
        consent=consent,
        consent_override_reason=consent_override_reason.strip()
        if consent == Referral.Consent.OVERRIDDEN
        else "",
        contact_channel=contact_channel,
        contact_address=contact_address.strip()
        if contact_channel in {Referral.Contact.SMS, Referral.Contact.EMAIL}
        else "",
        contact_language=contact_language or translation.get_language() or settings.LANGUAGE_CODE,
        created_by=caseworker,
    )
    referral.full_clean()
    referral.save()
    _event(referral, "", Status.DRAFT, caseworker, sender)
    audit_record(actor=caseworker, action=AuditAction.CREATE, obj=referral)
    if note.strip():
        _add_note(referral, caseworker, sender, note)
    if send:
        referral = referral_transition(referral_id=referral.pk, user=caseworker, move="send")
    return referral


def _check_consent(user: User, consent: str, reason: str) -> None:
    if consent == Referral.Consent.OVERRIDDEN:
        if not user.has_perm("services.override_referral_consent"):
            raise PermissionDenied("may not override consent")
        if not reason.strip():
            raise ValidationError(_("Give the reason for sending without the person's consent."))
    elif consent not in {Referral.Consent.GIVEN, Referral.Consent.NOT_RECORDED}:
        raise ValidationError(_("Unknown consent value."))


def _check_contact(channel: str, address: str) -> None:
    if channel not in Referral.Contact.values:
        raise ValidationError(_("Choose how the person wants to be contacted."))
    if channel in {Referral.Contact.SMS, Referral.Contact.EMAIL}:
        contact_address_check(channel, address)


def contact_address_check(channel: str, address: str) -> None:
    """A phone number ("sms") or email address ("email") a person gave to be reached
    at: present and plausible, or a ValidationError saying what to fix."""
    if not address.strip():
        raise ValidationError(
            _("Give the phone number or email address the person chose, or choose another way.")
        )
    if channel == "email" and "@" not in address:
        raise ValidationError(_("This email address does not look right."))
    if channel == "sms":
        digits = [character for character in address if character.isdigit()]
        if len(digits) < 6 or any(
            not (character.isdigit() or character in "+ ().-") for character in address.strip()
        ):
            raise ValidationError(_("This phone number does not look right."))


def _event(
    referral: Referral,
    source: str,
    target: str,
    actor: User | None,
    organisation: Organisation | None,
) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        from_status=source,
        to_status=target,
        actor=actor,
        organisation=organisation,
    )


def _add_note(
    referral: Referral, author: User, organisation: Organisation, text: str
) -> ReferralNote:
    note = ReferralNote(
        referral=referral,
        organisation=organisation,
        author=author,
        text=text.strip()[:4000],
        expires_at=timezone.now() + datetime.timedelta(days=settings.REFERRAL_NOTE_DAYS),
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def referral_transition(
    *,
    referral_id: object,
    user: User,
    move: str,
    decline_reason: str = "",
    note: str = "",
) -> Referral:
    """Make one move, with the row locked: two people clicking at once cannot both win.

    Raises Referral.DoesNotExist when the user's organisations are not party to it,
    PermissionDenied when the move belongs to the other side, ValidationError when the
    referral's state does not allow it (then nothing is changed).
    """
    referral = (
        selectors.referral_queryset_for(user=user)
        .select_for_update(of=("self",))
        .get(pk=referral_id)
    )
    chosen = moves().get(move)
    if chosen is None:
        raise ValidationError(_("Unknown action."))
    sides = user_sides(referral=referral, user=user)
    if chosen.side not in sides:
        raise PermissionDenied("the other organisation makes this move")
    if referral.status not in chosen.sources:
        raise ValidationError(
            _("This referral is now “%(status)s”; it can no longer be changed this way.")
            % {"status": referral.get_status_display()}
        )
    if move == "send" and referral.consent == Referral.Consent.NOT_RECORDED:
        raise ValidationError(_("Record the person's consent before sending the referral."))
    if move == "decline":
        if decline_reason not in Referral.DeclineReason.values or not decline_reason:
            raise ValidationError(_("Choose why the referral is declined."))
        referral.decline_reason = decline_reason
    source = referral.status
    now = timezone.now()
    referral.status = chosen.target
    if move == "send":
        referral.sent_at = now
    elif move in {"accept", "decline"}:
        referral.answered_at = now
    if referral.status in Referral.CLOSED:
        referral.closed_at = now
    referral.full_clean()
    referral.save()
    acting_for = (
        referral.sending_organisation
        if chosen.side == "sender"
        else referral.receiving_organisation
    )
    _event(referral, source, referral.status, user, acting_for)
    audit_record(actor=user, action=AuditAction.CHANGE, obj=referral, detail=move)
    if note.strip():
        _add_note(referral, user, acting_for, note)
    _notify(referral, move)
    return referral


def _staff_of(organisation_id: object) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=organisation_id, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _notify(referral: Referral, move: str) -> None:
    """Outbox rows in the move's transaction: a rolled-back move sends nothing.

    Staff messages hold the service's name and a link; the person's message holds the
    service's name only, and goes only if they chose SMS or email.
    """

    def context(user: User) -> dict[str, object]:
        return {
            "service": _service_name_in(referral.service, user.preferred_language),
            "url": _link_for(user, "caseworker:referral-detail", referral.pk),
            "status": referral.status,
        }

    if move == "send":
        for user in _staff_of(referral.receiving_organisation_id):
            notification_enqueue(
                channel="email",
                recipient=user.email,
                message="referral_received",
                language=user.preferred_language,
                idempotency_key=f"referral:{referral.pk}:sent:user:{user.pk}",
                context=context(user),
            )
        return
    if move in {"accept", "decline", "complete", "no_show"}:
        creator = referral.created_by
        recipients = (
            [creator]
            if creator is not None and creator.is_active and creator.email
            else _staff_of(referral.sending_organisation_id)
        )
        for user in recipients:
            notification_enqueue(
                channel="email",
                recipient=user.email,
                message="referral_answered",
                language=user.preferred_language,
                idempotency_key=f"referral:{referral.pk}:{move}:user:{user.pk}",
                context=context(user),
            )
    if move == "accept" and referral.contact_channel in {
        Referral.Contact.SMS,
        Referral.Contact.EMAIL,
    }:
        notification_enqueue(
            channel=referral.contact_channel,
            recipient=referral.contact_address,
            message="referral_accepted_person",
            language=referral.contact_language,
            idempotency_key=f"referral:{referral.pk}:accept:person",
            context={"service": _service_name_in(referral.service, referral.contact_language)},
        )


def _link_for(user: User, url_name: str, pk: object) -> str:
    """The page's full address in the recipient's language, for a message to them."""
    return link_in(user.preferred_language, url_name, pk)


def _service_name_in(service: Service, language: str) -> str:
    return text_in_language(service, "name", language).text


@transaction.atomic
def referral_note_add(*, referral_id: object, user: User, text: str) -> ReferralNote:
    referral = selectors.referral_queryset_for(user=user).get(pk=referral_id)
    if referral.anonymised_at is not None:
        raise ValidationError(_("This referral has been anonymised; notes can no longer be added."))
    if not text.strip():
        raise ValidationError(_("The note is empty."))
    sides = user_sides(referral=referral, user=user)
    organisation = (
        referral.sending_organisation if "sender" in sides else referral.receiving_organisation
    )
    note = _add_note(referral, user, organisation, text)
    audit_record(actor=user, action=AuditAction.CHANGE, obj=referral, detail="note")
    return note


@transaction.atomic
def referral_open(*, referral_id: object, user: User) -> Referral:
    """Read one referral (for its page or the API): the read is written to the audit log."""
    referral = selectors.referral_get(user=user, referral_id=referral_id)
    audit_record(actor=user, action=AuditAction.VIEW, obj=referral)
    return referral


def referral_list_read(*, user: User, referrals: list[Referral]) -> int:
    """A staff member saw these referrals listed: one audit entry each, in one INSERT."""
    return audit_record_many(actor=user, action=AuditAction.VIEW, objs=referrals, detail="list")


# --- Retention -------------------------------------------------------------------------------


@transaction.atomic
def referral_anonymise_closed(*, older_than_days: int | None = None) -> int:
    """Anonymise referrals closed more than the retention period ago. Safe to run twice.

    Notes, card code, pseudonym, contact address and override reason are destroyed;
    service, need, months and outcome stay for the statistics. Drafts never sent and
    untouched for the same period are deleted (they count for nothing).
    """
    days = settings.REFERRAL_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - datetime.timedelta(days=days)
    due = list(
        Referral.objects.select_for_update()
        .filter(status__in=Referral.CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True)
        .only("pk")
    )
    for referral in due:
        ReferralNote.objects.filter(referral=referral).delete()
        Referral.objects.filter(pk=referral.pk).update(
            client_token="",
            pseudonym=None,
            contact_address="",
            consent_override_reason="",
            anonymised_at=timezone.now(),
        )
        audit_record(actor=None, action=AuditAction.ERASE, obj=referral, detail="retention")
    stale_drafts = Referral.objects.filter(status=Status.DRAFT, updated_at__lt=cutoff)
    for referral in stale_drafts.only("pk"):
        audit_record(actor=None, action=AuditAction.DELETE, obj=referral, detail="stale draft")
    stale_drafts.delete()
    return len(due)


@transaction.atomic
def referral_note_purge_expired() -> int:
    deleted, _by_model = ReferralNote.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


# --- Directory -------------------------------------------------------------------------------


@transaction.atomic
def outdated_report_create(*, service: Service, problem: str) -> object:
    """A reader says part of a service's page is wrong. Nothing about the reader is kept.

    Several reports of the same problem on the same day count once.
    """
    from services.models import OutdatedReport

    if problem not in OutdatedReport.Problem.values:
        raise ValidationError(_("Choose what is wrong."))
    report, _created = OutdatedReport.objects.get_or_create(
        service=service,
        problem=problem,
        reported_on=timezone.localdate(),
        is_resolved=False,
    )
    return report


@transaction.atomic
def service_assure(*, service: Service, user: User) -> Service:
    """The organisation confirms its service's information is current."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.last_assured_date = timezone.localdate()
    service.save(update_fields=["last_assured_date", "updated_at"])
    audit_record(actor=user, action=AuditAction.CHANGE, obj=service, detail="assured")
    return service


def service_assurance_reminders() -> int:
    """Ask organisation admins (through the outbox) to confirm services not checked for
    SERVICE_ASSURANCE_MONTHS. One message per service and month: safe to run daily."""
    from portal.accounts.roles import Role

    today = timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.SERVICE_ASSURANCE_MONTHS * 31)
    due = Service.objects.filter(status=Service.Status.ACTIVE).filter(
        Q(last_assured_date__isnull=True) | Q(last_assured_date__lt=cutoff)
    )
    sent = 0
    for service in due.select_related("organisation").iterator():
        admins = User.objects.filter(
            memberships__organisation=service.organisation_id,
            memberships__role=Role.ORGANISATION_ADMIN,
            is_active=True,
        ).exclude(email="")
        with transaction.atomic():
            for user in admins:
                notification_enqueue(
                    channel="email",
                    recipient=user.email,
                    message="service_assurance_due",
                    language=user.preferred_language,
                    idempotency_key=f"service:{service.pk}:assure:{today:%Y-%m}:user:{user.pk}",
                    context={
                        "service": _service_name_in(service, user.preferred_language),
                        "url": _link_for(user, "services:service-detail", service.pk),
                    },
                )
                sent += 1
    return sent
