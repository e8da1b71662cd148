"""Writes of the participatory budget. Views, admin, API and tasks call these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from participation.models import (
    ANSWERED,
    PHASE_ORDER,
    RECOMMENDATION_TRANSITIONS,
    Ballot,
    BallotChoice,
    BallotType,
    Council,
    District,
    EligibilityCode,
    EligibilityCodeBatch,
    Meeting,
    PaperSheet,
    PaperSheetEntry,
    Phase,
    Process,
    Proposal,
    Recommendation,
    RecommendationEvent,
    RecommendationStatus,
    RedeemedCode,
    Rule,
    Subscription,
    TallyResult,
)
from portal import codes
from portal.accounts.models import User
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from portal.i18n.languages import set_translations
from portal.notifications.actions import link_in, notification_enqueue


class BallotRefused(Exception):  # noqa: N818 - reads as what happened to the ballot
    """A ballot that cannot be counted, with a message for the voter."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def euros(amount: Decimal) -> str:
    """An amount as the reader writes it: '450 000 €' in French, '450,000 €' in English."""
    return f"{number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)} €"


class ProcessFrozenError(ValidationError):
    pass


def ensure_not_frozen(process: Process) -> None:
    if process.is_frozen:
        raise ProcessFrozenError(
            _("Voting has opened: the rules, budgets and projects can no longer change.")
        )


# --- Proposals ---------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(
    *,
    process: Process,
    district: District,
    title: str,
    description: str,
    estimated_cost: Decimal,
    language: str,
    author: User | None,
    photo: object | None = None,
) -> Proposal:
    if process.phase != Phase.PROPOSALS:
        raise ValidationError(_("This budget does not take proposals any more."))
    if district.process_id != process.pk:
        raise ValidationError(_("Choose a district of this budget."))
    proposal = Proposal(
        process=process,
        district=district,
        source_language=language,
        estimated_cost=estimated_cost,
        author=author,
    )
    if photo:
        proposal.photo = photo
    set_translations(proposal, "title", {language: title})
    set_translations(proposal, "description", {language: description})
    proposal.full_clean()
    proposal.save()
    return proposal


@transaction.atomic
def proposal_support(*, proposal: Proposal, user: User) -> None:
    if proposal.process.phase not in {Phase.PROPOSALS, Phase.REVIEW}:
        raise ValidationError(_("Support is closed for this budget."))
    proposal.supporters.add(user)


@transaction.atomic
def proposal_review(
    *,
    proposal: Proposal,
    is_feasible: bool,
    final_cost: Decimal | None,
    reason: str,
    language: str,
    actor: User,
) -> Proposal:
    """Record the feasibility review; unfeasible proposals stay visible with the reason."""
    proposal = Proposal.objects.select_for_update().select_related("process").get(pk=proposal.pk)
    ensure_not_frozen(proposal.process)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the decision: residents will read it."))
    if is_feasible and final_cost is None:
        raise ValidationError(_("A feasible proposal needs its cost after review."))
    proposal.status = Proposal.Status.FEASIBLE if is_feasible else Proposal.Status.UNFEASIBLE
    proposal.final_cost = final_cost
    set_translations(proposal, "review_reason", {language: reason})
    proposal.full_clean()
    proposal.save()
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=proposal, detail="review")
    return proposal


# --- The process --------------------------------------------------------------------------


@transaction.atomic
def process_advance(*, process: Process, to_phase: Phase, actor: User | None) -> Process:
    """Move the process forward one phase (never back). Closing the vote tallies it."""
    process = Process.objects.select_for_update().get(pk=process.pk)
    current = PHASE_ORDER.index(Phase(process.phase))
    target = PHASE_ORDER.index(Phase(to_phase))
    if target != current + 1:
        raise ValidationError(_("A budget moves forward one phase at a time."))
    if to_phase == Phase.RESULTS:
        _ensure_paper_reconciled(process)
    process.phase = to_phase
    process.save(update_fields=["phase", "updated_at"])
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=process, detail=f"phase {to_phase}")
    if to_phase == Phase.RESULTS:
        from participation.tasks import process_tally_task

        transaction.on_commit(lambda: process_tally_task.delay(process.pk))
    return process


# --- Eligibility codes ----------------------------------------------------------------------


@transaction.atomic
def code_batch_create(
    *, process: Process, label: str, size: int, officer: User
) -> tuple[EligibilityCodeBatch, list[str]]:
    """Print `size` one-time codes for a booth. The codes are returned once, never stored."""
    if not 1 <= size <= 5000:
        raise ValidationError(_("A batch holds between 1 and 5,000 codes."))
    if process.phase not in {Phase.REVIEW, Phase.VOTING}:
        raise ValidationError(_("Codes can be printed during review and voting only."))
    batch = EligibilityCodeBatch(process=process, label=label, size=size, created_by=officer)
    batch.full_clean()
    batch.save()
    printed = [codes.new_code() for _index in range(size)]
    EligibilityCode.objects.bulk_create(
        [
            EligibilityCode(
                process=process,
                code_hash=codes.code_hash(codes.normalise(code) or ""),
                source=EligibilityCode.Source.BATCH,
                batch=batch,
            )
            for code in printed
        ]
    )
    audit_record(actor=officer, action=AuditAction.CREATE, obj=batch, detail=f"{size} codes")
    return batch, printed


@transaction.atomic
def eligibility_code_issue(*, process: Process) -> str:
    """One code for one person, for the registration helper to hand out.

    The caller keeps only "issued: yes"; nothing here records who it was for.
    """
    code = codes.new_code()
    EligibilityCode.objects.create(
        process=process,
        code_hash=codes.code_hash(codes.normalise(code) or ""),
        source=EligibilityCode.Source.ATTESTATION,
    )
    return code


# --- Ballots --------------------------------------------------------------------------------


def code_problem(*, process: Process, code: str) -> str | None:
    """Why this code cannot vote (in the reader's language), or None if it can."""
    canonical = codes.normalise(code)
    if canonical is None:
        return _("This is not an eligibility code. Check it and try again.")
    row = EligibilityCode.objects.filter(
        process=process, code_hash=codes.code_hash(canonical)
    ).first()
    if row is None:
        return _("This code is not valid for this budget. Check it and try again.")
    if row.is_used:
        return _("This code has already been used: each code votes once.")
    return None


@dataclass(frozen=True)
class CastBallot:
    ballot: Ballot
    receipt: str


def ballot_check(
    *, process: Process, district: District, choices: dict[int, int]
) -> list[Proposal]:
    """The chosen projects if the ballot follows the process's rules; else BallotRefused."""
    if district.process_id != process.pk:
        raise BallotRefused("district", _("Choose a district of this budget."))
    projects = {
        proposal.pk: proposal
        for proposal in Proposal.objects.filter(
            district=district, status=Proposal.Status.FEASIBLE, pk__in=list(choices)
        )
    }
    if set(choices) - set(projects):
        raise BallotRefused("unknown", _("One of the projects is not on this ballot."))
    chosen = [projects[pk] for pk in choices]
    if process.ballot_type == BallotType.APPROVAL:
        if any(points != 1 for points in choices.values()):
            raise BallotRefused("points", _("Tick each project at most once."))
        total = sum((proposal.cost for proposal in chosen), Decimal(0))
        if total > district.budget:
            raise BallotRefused(
                "over_budget",
                _(
                    "Your choice costs %(total)s but the budget is %(budget)s. "
                    "Remove a project and try again."
                )
                % {"total": euros(total), "budget": euros(district.budget)},
            )
        if len(chosen) < process.min_projects:
            raise BallotRefused(
                "too_few",
                _("Choose at least %(count)s projects.") % {"count": process.min_projects},
            )
        if process.max_projects and len(chosen) > process.max_projects:
            raise BallotRefused(
                "too_many",
                _("Choose at most %(count)s projects.") % {"count": process.max_projects},
            )
        if total * 100 < district.budget * process.min_budget_share:
            raise BallotRefused(
                "too_little",
                _("Your choice must use at least %(share)s%% of the budget.")
                % {"share": process.min_budget_share},
            )
    else:
        if any(
            points < 1 or points > process.max_points_per_project for points in choices.values()
        ):
            raise BallotRefused(
                "points",
                _("Give each project between 1 and %(count)s points.")
                % {"count": process.max_points_per_project},
            )
        if sum(choices.values()) > process.max_points_total:
            raise BallotRefused(
                "too_many_points",
                _("You have %(count)s points in all.") % {"count": process.max_points_total},
            )
        if not chosen:
            raise BallotRefused("too_few", _("Give points to at least one project."))
    return chosen


def _store_ballot(
    *,
    process: Process,
    district: District,
    choices: dict[int, int],
    channel: str,
    receipt_hash: str | None,
    today: datetime.date | None,
) -> Ballot:
    ballot = Ballot.objects.create(
        process=process,
        district=district,
        channel=channel,
        cast_on=today or timezone.localdate(),
        receipt_hash=receipt_hash,
    )
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(ballot=ballot, proposal_id=pk, points=points)
            for pk, points in choices.items()
        ]
    )
    return ballot


def ballot_cast(
    *,
    process: Process,
    district: District,
    code: str,
    choices: dict[int, int],
    today: datetime.date | None = None,
) -> CastBallot:
    """Count one online ballot for one eligibility code.

    The code is marked used and the ballot stored in one transaction; the unique key of
    RedeemedCode makes a second ballot with the same code fail even when both arrive at
    the same instant. Nothing links the ballot to the code. Never logged.
    """
    if process.phase != Phase.VOTING:
        raise BallotRefused("closed", _("Voting is not open for this budget."))
    canonical = codes.normalise(code)
    if canonical is None:
        raise BallotRefused(
            "malformed", _("This is not an eligibility code. Check it and try again.")
        )
    digest = codes.code_hash(canonical)
    ballot_check(process=process, district=district, choices=choices)
    receipt = codes.new_code()
    try:
        with transaction.atomic():
            updated = EligibilityCode.objects.filter(
                process=process, code_hash=digest, is_used=False
            ).update(is_used=True)
            if not updated:
                exists = EligibilityCode.objects.filter(process=process, code_hash=digest).exists()
                raise BallotRefused(
                    "used" if exists else "unknown_code",
                    _("This code has already been used: each code votes once.")
                    if exists
                    else _("This code is not valid for this budget. Check it and try again."),
                )
            RedeemedCode.objects.create(code_hash=digest)
            ballot = _store_ballot(
                process=process,
                district=district,
                choices=choices,
                channel=Ballot.Channel.ONLINE,
                receipt_hash=codes.code_hash(codes.normalise(receipt) or ""),
                today=today,
            )
    except IntegrityError:
        raise BallotRefused(
            "used", _("This code has already been used: each code votes once.")
        ) from None
    return CastBallot(ballot=ballot, receipt=receipt)


def receipt_check(*, process: Process, receipt: str) -> Ballot | None:
    canonical = codes.normalise(receipt)
    if canonical is None:
        return None
    return (
        Ballot.objects.filter(process=process, receipt_hash=codes.code_hash(canonical))
        .prefetch_related("choices__proposal")
        .first()
    )


# --- Paper ballots ------------------------------------------------------------------------


def _same_choices(first: dict[str, int], second: dict[str, int]) -> bool:
    return {str(k): int(v) for k, v in first.items()} == {str(k): int(v) for k, v in second.items()}


@transaction.atomic
def paper_entry_record(
    *,
    process: Process,
    district: District,
    booth: str,
    sheet_number: int,
    officer: User,
    choices: dict[int, int],
) -> PaperSheet:
    """One officer types one paper ballot. The second officer's typing of the same sheet
    counts it if both agree; if they differ the sheet waits for reconciliation, and the
    count cannot close until it is reconciled."""
    if process.phase != Phase.VOTING:
        raise ValidationError(_("Paper ballots are entered while voting is open."))
    ballot_check(process=process, district=district, choices=choices)
    sheet, _created = PaperSheet.objects.select_for_update().get_or_create(
        process=process, booth=booth, sheet_number=sheet_number
    )
    if sheet.status != PaperSheet.Status.WAITING:
        raise ValidationError(_("This sheet has already been entered twice."))
    entries = list(
        PaperSheetEntry.objects.filter(process=process, booth=booth, sheet_number=sheet_number)
    )
    if any(entry.officer_id == officer.pk for entry in entries):
        raise ValidationError(_("A second officer must enter this sheet."))
    entry = PaperSheetEntry(
        process=process,
        district=district,
        booth=booth,
        sheet_number=sheet_number,
        officer=officer,
        choices={str(k): v for k, v in choices.items()},
    )
    entry.full_clean()
    entry.save()
    if entries:
        first = entries[0]
        if first.district_id == district.pk and _same_choices(first.choices, entry.choices):
            _store_ballot(
                process=process,
                district=district,
                choices=choices,
                channel=Ballot.Channel.PAPER,
                receipt_hash=None,
                today=None,
            )
            sheet.status = PaperSheet.Status.COUNTED
        else:
            sheet.status = PaperSheet.Status.MISMATCH
        sheet.save(update_fields=["status", "updated_at"])
    return sheet


@transaction.atomic
def paper_sheet_reconcile(
    *, sheet: PaperSheet, district: District, choices: dict[int, int], officer: User
) -> PaperSheet:
    """Count a sheet whose two entries differed, as read again from the paper."""
    sheet = PaperSheet.objects.select_for_update().select_related("process").get(pk=sheet.pk)
    if sheet.status != PaperSheet.Status.MISMATCH:
        raise ValidationError(_("Only sheets whose entries differ need reconciling."))
    ballot_check(process=sheet.process, district=district, choices=choices)
    _store_ballot(
        process=sheet.process,
        district=district,
        choices=choices,
        channel=Ballot.Channel.PAPER,
        receipt_hash=None,
        today=None,
    )
    sheet.status = PaperSheet.Status.COUNTED
    sheet.save(update_fields=["status", "updated_at"])
    audit_record(actor=officer, action=AuditAction.CHANGE, obj=sheet, detail="reconciled")
    return sheet


def _ensure_paper_reconciled(process: Process) -> None:
    pending = PaperSheet.objects.filter(process=process).exclude(status=PaperSheet.Status.COUNTED)
    if pending.exists():
        raise ValidationError(
            _("%(count)s paper sheets are not counted yet: reconcile them first.")
            % {"count": pending.count()}
        )


# --- Tally -------------------------------------------------------------------------------------


@transaction.atomic
def process_tally(*, process: Process) -> list[TallyResult]:
    """Count every district by greedy and by MES. Safe to run again: results are replaced."""
    from participation.tally_service import district_tally

    _ensure_paper_reconciled(process)
    results = []
    for district in process.districts.all():
        for rule in (Rule.GREEDY, Rule.MES):
            outcome = district_tally(district=district, rule=rule)
            result, _created = TallyResult.objects.update_or_create(
                district=district,
                rule=rule,
                defaults={
                    "selected": outcome.selected,
                    "cost": outcome.cost,
                    "details": outcome.details,
                    "ballot_count": outcome.ballot_count,
                },
            )
            results.append(result)
    return results


# --- Council of foreign residents --------------------------------------------------------

CONFIRM_SALT = "participation.subscription.confirm"
UNSUBSCRIBE_SALT = "participation.subscription.stop"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works for a week


class RecommendationRefused(Exception):  # noqa: N818 - reads as what happened to the change
    """A status change the tracker cannot record, with a message for the staff member."""


def _email_digest(email: str) -> str:
    """A keyed digest of the address: finds a person's subscription again without
    storing the address in the clear or an unkeyed hash anyone could test guesses on."""
    return salted_hmac("participation.subscription", email.strip().lower()).hexdigest()


def unsubscribe_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT)
    return link_in(subscription.language, "participation:unsubscribe", token)


def _notify_subscribers(
    subscriptions: QuerySet[Subscription],
    *,
    message: str,
    key: str,
    context: dict[str, object],
    page: tuple[str, tuple[object, ...]],
) -> int:
    """One outbox message per confirmed subscription (unconfirmed addresses get nothing),
    in its language, linking to `page` (url name, args) in that language, with its
    one-click unsubscribe link; idempotent on `key`."""
    sent = 0
    url_name, args = page
    for subscription in subscriptions.filter(confirmed_at__isnull=False):
        notification_enqueue(
            channel="email",
            recipient=subscription.email,
            message=message,
            language=subscription.language,
            idempotency_key=f"{key}:subscription:{subscription.pk}",
            context={
                **context,
                "url": link_in(subscription.language, url_name, *args),
                "unsubscribe_url": unsubscribe_url(subscription),
            },
        )
        sent += 1
    return sent


def subscription_request(
    *,
    email: str,
    language: str,
    council: Council | None = None,
    recommendation: Recommendation | None = None,
) -> Subscription:
    """Ask to follow a council or a recommendation: nothing is sent to the address but a
    confirmation link until it is used. Asking again resends the link; an address
    already confirmed is told nothing new (and the page says the same either way)."""
    email = email.strip()
    validate_email(email)
    digest = _email_digest(email)
    target = {"council": council} if council is not None else {"recommendation": recommendation}
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().filter(email_digest=digest, **target).first()
        )
        if subscription is None:
            subscription = Subscription(
                email=email, email_digest=digest, language=language, **target
            )
            subscription.full_clean()
            subscription.save()
        elif subscription.confirmed_at is not None:
            return subscription
        else:
            subscription.language = language
            subscription.save(update_fields=["language", "updated_at"])
        token = signing.dumps(subscription.pk, salt=CONFIRM_SALT)
        followed = council or recommendation
        notification_enqueue(
            channel="email",
            recipient=email,
            message="council_subscription_confirm",
            language=language,
            idempotency_key=f"subscription:{subscription.pk}:confirm:{timezone.now().isoformat()}",
            context={
                "followed": str(followed),
                "confirm_url": link_in(language, "participation:subscription-confirm", token),
            },
        )
    return subscription


def subscription_confirm(*, token: str) -> Subscription | None:
    """The confirmation link's work: None when it is forged, too old or already gone."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.filter(pk=pk).first()
    if subscription is not None and subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "updated_at"])
    return subscription


def subscription_cancel(*, token: str) -> bool:
    """Unsubscribe: the row, and the address with it, is deleted. False for a bad link."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    Subscription.objects.filter(pk=pk).delete()
    return True


def recommendation_transition(
    *,
    recommendation: Recommendation,
    to_status: str,
    actor: User,
    answer: str = "",
    language: str = "",
) -> Recommendation:
    """Move a recommendation along its tracker (row-locked). Declining needs the city's
    written answer; every change is audited and told to the recommendation's followers."""
    answer = answer.strip()
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        allowed = RECOMMENDATION_TRANSITIONS[RecommendationStatus(locked.status)]
        if to_status not in allowed:
            raise RecommendationRefused(
                _("A recommendation cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "from": RecommendationStatus(locked.status).label,
                    "to": RecommendationStatus(to_status).label
                    if to_status in RecommendationStatus.values
                    else to_status,
                }
            )
        if to_status == RecommendationStatus.DECLINED and not answer:
            raise RecommendationRefused(
                _("Declining a recommendation needs the city's written answer.")
            )
        previous = locked.status
        locked.status = to_status
        if answer:
            set_translations(locked, "answer", {language or settings.LANGUAGE_CODE: answer})
        if to_status in ANSWERED:
            locked.answered_at = timezone.now()
        locked.save()
        RecommendationEvent.objects.create(
            recommendation=locked, from_status=previous, to_status=to_status, actor=actor
        )
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=locked, detail=f"{previous} -> {to_status}"
        )
        _notify_subscribers(
            Subscription.objects.filter(recommendation=locked),
            message="council_recommendation_status",
            key=f"recommendation:{locked.pk}:{to_status}",
            context={"recommendation": locked.title},
            page=("participation:recommendation", (locked.council.slug, locked.pk)),
        )
    return locked


def meeting_announce(*, meeting: Meeting) -> int:
    """Tell the council's followers about a new public meeting (once per meeting)."""
    if not meeting.is_public:
        return 0
    with transaction.atomic():
        return _notify_subscribers(
            Subscription.objects.filter(council=meeting.council),
            message="council_meeting_announced",
            key=f"meeting:{meeting.pk}:announced",
            context={"meeting": meeting.title},
            page=("participation:meeting", (meeting.council.slug, meeting.pk)),
        )


def minutes_publish(*, meeting: Meeting, actor: User) -> Meeting:
    """Publish a meeting's minutes (once), audited, and tell the council's followers."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not locked.minutes:
            raise ValidationError(_("Write the minutes before publishing them."))
        if locked.minutes_published_at is None:
            locked.minutes_published_at = timezone.now()
            locked.save(update_fields=["minutes_published_at", "updated_at"])
            audit_record(
                actor=actor, action=AuditAction.CHANGE, obj=locked, detail="minutes published"
            )
            if locked.is_public:
                _notify_subscribers(
                    Subscription.objects.filter(council=locked.council),
                    message="council_minutes_published",
                    key=f"meeting:{locked.pk}:minutes",
                    context={"meeting": locked.title},
                    page=("participation:meeting", (locked.council.slug, locked.pk)),
                )
    return locked
