"""Participatory budgets: processes, districts, proposals, eligibility codes and ballots.

Secrecy is a property of the schema, not of the code that uses it:
- a Ballot has a random primary key, its district, its channel, the DAY it was cast and
  the hash of its receipt — no foreign key to a code, a person or an account, no time;
- an EligibilityCode stores only the hash of the code and whether it was used;
- RedeemedCode is the unique constraint that lets a code be used once, written in the
  same transaction as the ballot; it has no link to the ballot.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.encryption import EncryptedTextField
from portal.models import TimeStampedModel


class Phase(models.TextChoices):
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    RESULTS = "results", _("Results")


PHASE_ORDER = [Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING, Phase.RESULTS]


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval under the budget")
    CUMULATIVE = "cumulative", _("Points to share out")


class Rule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first (greedy)")
    MES = "mes", _("Method of Equal Shares")


# /participate/<slug>/ is a budget; these first segments belong to the council's pages.
RESERVED_PROCESS_SLUGS = frozenset({"council", "follow"})


class Process(TimeStampedModel):
    slug = models.SlugField(_("identifier"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.PROPOSALS
    )
    proposals_open_on = models.DateField(_("proposals open on"), null=True, blank=True)
    voting_opens_on = models.DateField(_("voting opens on"), null=True, blank=True)
    voting_closes_on = models.DateField(_("voting closes on"), null=True, blank=True)
    ballot_type = models.CharField(
        _("ballot"), max_length=16, choices=BallotType.choices, default=BallotType.APPROVAL
    )
    min_projects = models.PositiveSmallIntegerField(_("minimum projects per ballot"), default=1)
    max_projects = models.PositiveSmallIntegerField(
        _("maximum projects per ballot"), null=True, blank=True
    )
    min_budget_share = models.PositiveSmallIntegerField(
        _("minimum share of the budget a ballot must spend (%)"), default=0
    )
    max_points_per_project = models.PositiveSmallIntegerField(
        _("maximum points per project"), default=3
    )
    max_points_total = models.PositiveSmallIntegerField(_("points per ballot"), default=7)
    official_rule = models.CharField(
        _("official counting rule"), max_length=8, choices=Rule.choices, default=Rule.MES
    )
    mes_completes_with_greedy = models.BooleanField(
        _("after the Method of Equal Shares, fill what is left by most votes"), default=False
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age to vote"), default=16)
    publish_receipt_hashes = models.BooleanField(
        _("publish the ballot list with receipt fingerprints"),
        default=True,
        help_text=_("Turn off where voters could be pressed to show how they voted."),
    )

    class Meta:
        ordering = ["-voting_opens_on", "pk"]
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_budget_share__lte=100), name="process_budget_share_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_PROCESS_SLUGS:
            raise ValidationError(
                {"slug": _("This identifier is used by the council's pages; choose another.")}
            )

    @property
    def next_phase(self) -> str | None:
        index = PHASE_ORDER.index(Phase(self.phase))
        return PHASE_ORDER[index + 1].value if index + 1 < len(PHASE_ORDER) else None

    @property
    def is_frozen(self) -> bool:
        """From the opening of the vote, rules, budgets and projects cannot change."""
        return PHASE_ORDER.index(Phase(self.phase)) >= PHASE_ORDER.index(Phase.VOTING)


class District(TimeStampedModel):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="districts")
    slug = models.SlugField(_("identifier"))
    name = models.CharField(_("name"), max_length=120)
    budget = models.DecimalField(_("budget"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["process", "slug"], name="district_unique_slug"),
            models.CheckConstraint(condition=Q(budget__gt=0), name="district_budget_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Proposal(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        FEASIBLE = "feasible", _("Feasible: on the ballot")
        UNFEASIBLE = "unfeasible", _("Not feasible")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    source_language = models.CharField(_("written in"), max_length=10)
    estimated_cost = models.DecimalField(_("estimated cost"), max_digits=14, decimal_places=2)
    final_cost = models.DecimalField(
        _("cost after review"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    photo = models.ImageField(_("photo (optional)"), upload_to="proposals/%Y/", blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED
    )
    review_reason = models.TextField(_("reason given by the review"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    supporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("supporters")
    )

    class Meta:
        ordering = ["district__name", "pk"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gte=0), name="proposal_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="feasible") | Q(final_cost__isnull=False),
                name="proposal_feasible_has_final_cost",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cost(self):  # type: ignore[no-untyped-def]
        return self.final_cost if self.final_cost is not None else self.estimated_cost


class EligibilityCodeBatch(TimeStampedModel):
    """Codes printed by an officer for a voting booth; the codes themselves are shown
    once, when printed, and only their hashes are kept."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="code_batches")
    label = models.CharField(_("booth or place"), max_length=120)
    size = models.PositiveIntegerField(_("number of codes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("batch of eligibility codes")
        verbose_name_plural = _("batches of eligibility codes")

    def __str__(self) -> str:
        return f"{self.label} ({self.size})"


class EligibilityCode(models.Model):
    class Source(models.TextChoices):
        BATCH = "batch", _("Printed for a booth")
        ATTESTATION = "attestation", _("Released by a residence attestation")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    batch = models.ForeignKey(
        EligibilityCodeBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="codes"
    )
    is_used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("eligibility code")
        verbose_name_plural = _("eligibility codes")

    def __str__(self) -> str:
        return f"{self.code_hash[:8]}…"


class RedeemedCode(models.Model):
    """A code's hash, once: the unique primary key refuses a second ballot."""

    code_hash = models.CharField(max_length=64, primary_key=True)

    class Meta:
        verbose_name = _("redeemed code")
        verbose_name_plural = _("redeemed codes")

    def __str__(self) -> str:
        return f"{self.code_hash[:8]}…"


class Ballot(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="ballots")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    cast_on = models.DateField()  # the day only: no time that could be matched to a visit
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["process", "district"])]

    def __str__(self) -> str:
        return str(self.id)


class BallotChoice(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("ballot choice")
        verbose_name_plural = _("ballot choices")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_choice_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="ballot_choice_points"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.points}"


class PaperSheetEntry(TimeStampedModel):
    """One officer's typing of one paper ballot; two must agree before it counts."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="paper_entries")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    booth = models.CharField(_("booth"), max_length=60)
    sheet_number = models.PositiveIntegerField(_("sheet number"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    choices = models.JSONField(_("choices"))  # {"<proposal id>": points}

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "booth", "sheet_number", "officer"],
                name="paper_entry_once_per_officer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.booth} #{self.sheet_number}"


class PaperSheet(TimeStampedModel):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for the second entry")
        COUNTED = "counted", _("Counted")
        MISMATCH = "mismatch", _("Entries differ: to reconcile")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="paper_sheets")
    booth = models.CharField(_("booth"), max_length=60)
    sheet_number = models.PositiveIntegerField(_("sheet number"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)

    class Meta:
        verbose_name = _("paper ballot sheet")
        verbose_name_plural = _("paper ballot sheets")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "booth", "sheet_number"], name="paper_sheet_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.booth} #{self.sheet_number}"


class TallyResult(TimeStampedModel):
    """The outcome of one rule in one district, recomputed whenever the tally runs."""

    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="results")
    rule = models.CharField(max_length=8, choices=Rule.choices)
    selected = models.JSONField(default=list)  # proposal ids, in selection order
    cost = models.DecimalField(max_digits=14, decimal_places=2)
    details = models.JSONField(default=dict)
    ballot_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tally result")
        verbose_name_plural = _("tally results")
        constraints = [
            models.UniqueConstraint(fields=["district", "rule"], name="tally_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.district} / {self.rule}"


# --- Council of foreign residents --------------------------------------------------------


def language_codes(value: str) -> list[str]:
    """'fr, ar,ti' -> ['fr', 'ar', 'ti'] (the language lists typed in the admin)."""
    return [code.strip() for code in value.split(",") if code.strip()]


MAX_PHOTO_BYTES = 2 * 1024 * 1024


def validate_photo_size(upload) -> None:  # type: ignore[no-untyped-def]
    """Members' photos are shown on a public page read on cheap phones: 2 MB at most."""
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("The photo is too large (2 MB at most)."))


class Council(TimeStampedModel):
    """A consultative council of residents without the vote (city-wide or a district's)."""

    slug = models.SlugField(_("identifier"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return self.name


class CouncilMember(TimeStampedModel):
    """A member as the public sees them: only what the member agreed to publish."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        MEMBER = "member", _("Member")
        OBSERVER = "observer", _("Observer")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    display_name = models.CharField(_("name shown"), max_length=120)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    community = models.CharField(_("association or community"), max_length=200, blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=100, blank=True, help_text=_("Codes, e.g. fr,ar,ti")
    )
    bio = models.TextField(_("public biography"), blank=True)
    photo = models.ImageField(
        _("photo (optional)"), upload_to="council/%Y/", blank=True, validators=[validate_photo_size]
    )
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="council_memberships",
        verbose_name=_("account (optional)"),
    )
    publication_agreed = models.BooleanField(
        _("agreed to be listed publicly"),
        default=False,
        help_text=_("Without this agreement the member is not shown on public pages."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["council", "position", "display_name"]
        verbose_name = _("council member")
        verbose_name_plural = _("council members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def language_list(self) -> list[str]:
        return language_codes(self.languages)


class Meeting(TimeStampedModel):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.ForeignKey(
        "services.Location",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("place (from the directory)"),
    )
    place = models.CharField(_("place (if not in the directory)"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    accessibility = models.TextField(_("accessibility"), blank=True)
    interpretation = models.CharField(
        _("interpretation offered"), max_length=100, blank=True, help_text=_("Codes, e.g. ar,ti")
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Closed meetings appear nowhere public.")
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("council meeting")
        verbose_name_plural = _("council meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def interpretation_list(self) -> list[str]:
        return language_codes(self.interpretation)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title


def validate_pdf(upload) -> None:  # type: ignore[no-untyped-def]
    """A document must be a PDF, not only named like one."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("This file is not a PDF."))


class MeetingDocument(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("PDF file"),
        upload_to="council/documents/%Y/",
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )
    language = models.CharField(_("language"), max_length=10)

    class Meta:
        ordering = ["meeting", "title"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class RecommendationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted to the city")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    DECLINED = "declined", _("Declined")


# Where a recommendation may go next. The three last ones are the city's answer.
RECOMMENDATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    RecommendationStatus.SUBMITTED: (
        RecommendationStatus.ACKNOWLEDGED,
        RecommendationStatus.DECLINED,
    ),
    RecommendationStatus.ACKNOWLEDGED: (
        RecommendationStatus.IN_PROGRESS,
        RecommendationStatus.DECLINED,
    ),
    RecommendationStatus.IN_PROGRESS: (
        RecommendationStatus.IMPLEMENTED,
        RecommendationStatus.PARTIALLY_IMPLEMENTED,
        RecommendationStatus.DECLINED,
    ),
    RecommendationStatus.IMPLEMENTED: (),
    RecommendationStatus.PARTIALLY_IMPLEMENTED: (),
    RecommendationStatus.DECLINED: (),
}
ANSWERED = (
    RecommendationStatus.IMPLEMENTED,
    RecommendationStatus.PARTIALLY_IMPLEMENTED,
    RecommendationStatus.DECLINED,
)


class Recommendation(TimeStampedModel):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="recommendations")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("adopted at"),
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    department = models.CharField(_("addressed to (city department)"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.SUBMITTED,
    )
    answer = models.TextField(_("the city's written answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-meeting__starts_at", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return self.title

    @property
    def adopted_at(self):  # type: ignore[no-untyped-def]
        return self.meeting.starts_at

    @property
    def days_to_answer(self) -> int | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.meeting.starts_at).days


class RecommendationEvent(models.Model):
    """One move of a recommendation: from, to, when and who (staff)."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(max_length=24, choices=RecommendationStatus.choices)
    to_status = models.CharField(max_length=24, choices=RecommendationStatus.choices)
    occurred_at = models.DateTimeField(_("date"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["recommendation", "occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class Subscription(TimeStampedModel):
    """An email address that asked to follow a council's meetings or one recommendation.

    Stored only for that purpose: encrypted, found again by a keyed digest (never by the
    address), confirmed by a link (double opt-in), deleted when the person unsubscribes.
    The links carry the subscription's id signed with the site's key (nothing stored).
    """

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    email = EncryptedTextField(_("email address"))
    email_digest = models.CharField(max_length=64)
    language = models.CharField(_("language of the messages"), max_length=10)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(council__isnull=True) ^ Q(recommendation__isnull=True),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["email_digest", "council"],
                condition=Q(council__isnull=False),
                name="subscription_once_per_council",
            ),
            models.UniqueConstraint(
                fields=["email_digest", "recommendation"],
                condition=Q(recommendation__isnull=False),
                name="subscription_once_per_recommendation",
            ),
        ]
