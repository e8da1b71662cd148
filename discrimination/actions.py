"""Writes of discrimination reports. Who may do what is decided here, not in the views.

The public submits and follows up with a code; officers (the non-discrimination office)
triage, answer, refer and close; an organisation a report was forwarded to answers the
office. Every staff read and write is audited; messages go through the outbox.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from discrimination import selectors
from discrimination.models import Category, Ground, Report, ReportEvent, ReportMessage
from portal import codes
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from portal.notifications.actions import link_in, notification_enqueue
from services.actions import contact_address_check
from services.models import Service

Status = Report.Status
MAX_TEXT = 5000


def nearest_neighbourhood(service: Service) -> str:
    """The neighbourhood whose centre is nearest the service's first published place."""
    centres = {
        name: centre
        for name, centre in settings.PORTAL_NEIGHBOURHOOD_CENTRES.items()
        if name in settings.PORTAL_NEIGHBOURHOODS
    }
    from services.models import Location

    places = Location.objects.filter(
        service_at_locations__service=service, is_confidential=False
    ).order_by("pk")
    for location in places:
        if location.latitude is None or location.longitude is None:
            continue
        return min(
            centres,
            key=lambda name: math.dist(
                (location.latitude, location.longitude),
                (float(centres[name][0]), float(centres[name][1])),
            ),
            default="",
        )
    return ""


@transaction.atomic
def report_submit(
    *,
    category: str,
    ground: str,
    incident_month: datetime.date | None,
    neighbourhood: str = "",
    service: Service | None = None,
    account: str = "",
    contact_channel: str = "",
    contact_address: str = "",
    contact_language: str = "",
    language: str = "",
) -> tuple[Report, str]:
    """Store a report and return it with its follow-up code (shown once, never stored)."""
    if category not in Category.values:
        raise ValidationError(_("Choose what happened."))
    if ground not in Ground.values:
        raise ValidationError(_("Choose why you think it happened."))
    if neighbourhood and neighbourhood not in settings.PORTAL_NEIGHBOURHOODS:
        raise ValidationError(_("Choose a neighbourhood from the list."))
    if incident_month is not None and incident_month > timezone.localdate():
        raise ValidationError(_("The month cannot be in the future."))
    if contact_channel not in Report.Contact.values:
        raise ValidationError(_("Choose how you want to be contacted."))
    if contact_channel:
        contact_address_check(
            "sms" if contact_channel == Report.Contact.PHONE else contact_channel,
            contact_address,
        )
    if not neighbourhood and service is not None:
        neighbourhood = nearest_neighbourhood(service)
    code = codes.new_code()
    report = Report(
        category=category,
        ground=ground,
        incident_month=incident_month.replace(day=1) if incident_month else None,
        neighbourhood=neighbourhood,
        service=service,
        account=account.strip()[:MAX_TEXT],
        language=language or translation.get_language() or settings.LANGUAGE_CODE,
        contact_channel=contact_channel,
        contact_address=contact_address.strip() if contact_channel else "",
        contact_language=(contact_language or language) if contact_channel else "",
        code_digest=codes.code_hash(codes.normalise(code) or ""),
    )
    report.full_clean()
    report.save()
    ReportEvent.objects.create(report=report, from_status="", to_status=Status.RECEIVED)
    audit_record(actor=None, action=AuditAction.CREATE, obj=report)
    _notify_officers(report, "discrimination_report_received", "received")
    return report, code


@transaction.atomic
def report_add_information(*, code: str, text: str) -> ReportMessage:
    """The reporter adds to their report, with their code (no account)."""
    report = selectors.report_by_code(code=code)
    if report is None:
        raise Report.DoesNotExist
    if report.erased_at is not None:
        raise ValidationError(_("This report is closed and its texts were erased."))
    if not text.strip():
        raise ValidationError(_("Write what you want to add."))
    message = ReportMessage.objects.create(
        report=report,
        kind=ReportMessage.Kind.REPORTER,
        text=text.strip()[:MAX_TEXT],
        language=translation.get_language() or report.language,
    )
    _notify_officers(report, "discrimination_report_received", f"added:{message.pk}")
    return message


# --- The office ------------------------------------------------------------------------------


def _require_officer(user: User) -> None:
    if not selectors.is_officer(user=user):
        raise PermissionDenied("not a non-discrimination officer")


def _locked(report_id: object, user: User) -> Report:
    _require_officer(user)
    return Report.objects.select_for_update(of=("self",)).get(pk=report_id)


@transaction.atomic
def report_open(*, report_id: object, user: User) -> Report:
    """An officer reads a report: the read is written to the audit log."""
    _require_officer(user)
    report = Report.objects.select_related("service", "forwarded_to", "referral").get(pk=report_id)
    audit_record(actor=user, action=AuditAction.VIEW, obj=report)
    return report


MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "assess": ((Status.RECEIVED,), Status.ASSESSED),
    "offer_support": ((Status.RECEIVED, Status.ASSESSED), Status.SUPPORT_OFFERED),
    "close": (
        (Status.RECEIVED, Status.ASSESSED, Status.SUPPORT_OFFERED, Status.REFERRED),
        Status.CLOSED,
    ),
}


def moves_for(report: Report) -> list[str]:
    """The moves the office can make now (what the screen offers), referral included."""
    names = [name for name, (sources, _target) in MOVES.items() if report.status in sources]
    if report.status in {Status.ASSESSED, Status.SUPPORT_OFFERED}:
        names.insert(-1, "refer")
    return names


def _move(report: Report, user: User, target: str, detail: str) -> None:
    ReportEvent.objects.create(
        report=report, from_status=report.status, to_status=target, actor=user
    )
    report.status = target
    audit_record(actor=user, action=AuditAction.CHANGE, obj=report, detail=detail)


@transaction.atomic
def report_transition(
    *, report_id: object, user: User, move: str, close_reason: str = ""
) -> Report:
    """Assess, offer support or close, with the row locked (two officers cannot both win)."""
    report = _locked(report_id, user)
    if move not in MOVES:
        raise ValidationError(_("Unknown action."))
    sources, target = MOVES[move]
    if report.status not in sources:
        raise ValidationError(
            _("This report is now “%(status)s”; it can no longer be changed this way.")
            % {"status": report.get_status_display()}
        )
    if move == "close":
        if close_reason not in Report.CloseReason.values or not close_reason:
            raise ValidationError(_("Choose why the report is closed."))
        report.close_reason = close_reason
        report.closed_at = timezone.now()
    _move(report, user, target, move)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_refer(
    *, report_id: object, user: User, service: Service, consent_given: bool, note: str = ""
) -> Report:
    """Refer the person to a legal service through the referral module. The referral
    carries no text of the report, only the need; the person must have agreed."""
    from services import actions as referral_actions

    report = _locked(report_id, user)
    if report.status not in {Status.ASSESSED, Status.SUPPORT_OFFERED}:
        raise ValidationError(
            _("This report is now “%(status)s”; it can no longer be changed this way.")
            % {"status": report.get_status_display()}
        )
    if not consent_given:
        raise ValidationError(_("Record the person's consent before sending the referral."))
    referral = referral_actions.referral_create(
        caseworker=user,
        service=service,
        need=service.needs.order_by("pk").first(),
        consent="given",
        contact_channel="caseworker",
        contact_language=report.contact_language or report.language,
        note=note,
        send=True,
    )
    report.referral = referral
    _move(report, user, Status.REFERRED, "refer")
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_note_add(*, report_id: object, user: User, text: str) -> ReportMessage:
    report = _locked(report_id, user)
    return _message(report, user, ReportMessage.Kind.NOTE, text, "note")


@transaction.atomic
def report_answer(*, report_id: object, user: User, text: str, language: str) -> ReportMessage:
    """An answer the reporter reads with their code; if they asked to be contacted by
    email or SMS, a message (in their language, without the answer) tells them it is there."""
    report = _locked(report_id, user)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose the language the answer is written in."))
    message = _message(report, user, ReportMessage.Kind.ANSWER, text, "answer", language)
    if report.contact_channel in {Report.Contact.EMAIL, Report.Contact.SMS}:
        url = link_in(report.contact_language or report.language, "discrimination:follow-up")
        notification_enqueue(
            channel=report.contact_channel,
            recipient=report.contact_address,
            message="discrimination_answer_person",
            language=report.contact_language or report.language,
            idempotency_key=f"discrimination:{report.pk}:answer:{message.pk}",
            context={"url": url},
        )
    return message


@transaction.atomic
def report_forward(*, report_id: object, user: User, text: str) -> Report:
    """Send the office's message about a report on a service to that service's
    organisation, for a response. The organisation never sees the account as written
    nor the contact details: only what the officer writes here, and the categories."""
    report = _locked(report_id, user)
    if report.service is None:
        raise ValidationError(_("Only a report about a service in the directory can be forwarded."))
    if report.is_closed:
        raise ValidationError(_("This report is closed."))
    report.forwarded_to = report.service.organisation
    report.forwarded_at = timezone.now()
    report.save(update_fields=["forwarded_to", "forwarded_at", "updated_at"])
    _message(report, user, ReportMessage.Kind.FORWARD, text, "forward")
    for admin in User.objects.filter(
        memberships__organisation=report.forwarded_to,
        memberships__role=Role.ORGANISATION_ADMIN,
        is_active=True,
    ).exclude(email=""):
        url = link_in(admin.preferred_language, "office:forwarded-detail", report.pk)
        notification_enqueue(
            channel="email",
            recipient=admin.email,
            message="discrimination_forwarded",
            language=admin.preferred_language,
            idempotency_key=f"discrimination:{report.pk}:forward:{report.forwarded_at:%s}:{admin.pk}",
            context={"url": url},
        )
    return report


def forwarded_open(*, report_id: object, user: User) -> Report:
    """An admin of the organisation a report was forwarded to reads it (audited)."""
    report = selectors.forwarded_for(user=user).get(pk=report_id)
    audit_record(actor=user, action=AuditAction.VIEW, obj=report, detail="forwarded")
    return report


@transaction.atomic
def forwarded_respond(*, report_id: object, user: User, text: str) -> ReportMessage:
    report = selectors.forwarded_for(user=user).select_for_update(of=("self",)).get(pk=report_id)
    message = _message(report, user, ReportMessage.Kind.ORGANISATION, text, "response")
    _notify_officers(report, "discrimination_report_received", f"response:{message.pk}")
    return message


def _message(
    report: Report, user: User, kind: str, text: str, detail: str, language: str = ""
) -> ReportMessage:
    if report.erased_at is not None:
        raise ValidationError(_("This report's texts were erased; nothing can be added."))
    if not text.strip():
        raise ValidationError(_("The text is empty."))
    message = ReportMessage.objects.create(
        report=report,
        kind=kind,
        text=text.strip()[:MAX_TEXT],
        language=language or user.preferred_language,
        author=user,
    )
    audit_record(actor=user, action=AuditAction.CHANGE, obj=report, detail=detail)
    return message


def _notify_officers(report: Report, message: str, event: str) -> None:
    """Tell each officer there is something new, with a link and nothing else."""
    officers = User.objects.filter(
        groups__name=str(Role.DISCRIMINATION_OFFICER), is_active=True
    ).exclude(email="")
    for officer in officers:
        url = link_in(officer.preferred_language, "office:report-detail", report.pk)
        notification_enqueue(
            channel="email",
            recipient=officer.email,
            message=message,
            language=officer.preferred_language,
            idempotency_key=f"discrimination:{report.pk}:{event}:officer:{officer.pk}",
            context={"url": url},
        )


# --- Retention -------------------------------------------------------------------------------


@transaction.atomic
def report_erase_closed(*, older_than_months: int | None = None) -> int:
    """Erase the account, contact details and messages of reports closed more than the
    retention period ago; categories, month and neighbourhood stay. Safe to run twice."""
    months = (
        settings.DISCRIMINATION_RETENTION_MONTHS if older_than_months is None else older_than_months
    )
    cutoff = timezone.now() - datetime.timedelta(days=31 * months)
    due = list(
        Report.objects.select_for_update()
        .filter(status=Status.CLOSED, closed_at__lt=cutoff, erased_at__isnull=True)
        .only("pk")
    )
    for report in due:
        ReportMessage.objects.filter(report=report).delete()
        Report.objects.filter(pk=report.pk).update(
            account="",
            contact_channel="",
            contact_address="",
            contact_language="",
            erased_at=timezone.now(),
        )
        audit_record(actor=None, action=AuditAction.ERASE, obj=report, detail="retention")
    return len(due)
