"""Reads of the participatory budget; each page costs a fixed number of queries."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from participation.models import (
    Ballot,
    BallotChoice,
    Council,
    CouncilMember,
    District,
    Meeting,
    Process,
    Proposal,
    Recommendation,
    RecommendationStatus,
    Rule,
)


def process_list() -> QuerySet[Process]:
    return Process.objects.all()


def process_get(*, slug: str) -> Process:
    process = (
        Process.objects.prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("name")),
            "districts__results",
        )
        .filter(slug=slug)
        .first()
    )
    if process is None:
        raise Http404("no such budget")
    return process


def proposal_list(*, process: Process, user: Any = None) -> QuerySet[Proposal]:
    """The process's proposals with their support counts, and whether `user` supports each."""
    proposals = (
        Proposal.objects.filter(process=process)
        .select_related("district")
        .annotate(support_count=Count("supporters", distinct=True))
        .order_by("district__name", "status", "pk")
    )
    if user is not None and user.is_authenticated:
        proposals = proposals.annotate(
            is_supported=Exists(
                Proposal.supporters.through.objects.filter(
                    proposal_id=OuterRef("pk"), user_id=user.pk
                )
            )
        )
    return proposals


def ballot_projects(*, district: District) -> QuerySet[Proposal]:
    return Proposal.objects.filter(district=district, status=Proposal.Status.FEASIBLE).order_by(
        "pk"
    )


@dataclass
class ProjectResult:
    proposal: Proposal
    votes: int
    supporters: int
    is_selected: dict[str, bool] = field(default_factory=dict)
    explanation: dict[str, Any] = field(default_factory=dict)
    bar_percent: float = 0.0


@dataclass
class DistrictResult:
    district: District
    projects: list[ProjectResult]
    spent: dict[str, Decimal]
    ballot_count: int
    official_rule: str


def results_for(*, process: Process) -> list[DistrictResult]:
    """Each district's projects with votes and whether greedy and MES select them."""
    proposals = {
        proposal.pk: proposal
        for proposal in Proposal.objects.filter(process=process, status=Proposal.Status.FEASIBLE)
    }
    output = []
    for district in process.districts.all():
        results = {result.rule: result for result in district.results.all()}
        if not results:
            continue
        details = results.get(Rule.MES, results.get(Rule.GREEDY)).details  # type: ignore[union-attr]
        votes = {int(pk): count for pk, count in details.get("votes", {}).items()}
        supporters = {int(pk): count for pk, count in details.get("supporters", {}).items()}
        explanation = (
            results[Rule.MES].details.get("explanation", {}) if Rule.MES in results else {}
        )
        most = max(votes.values(), default=0) or 1
        projects = []
        for pk, proposal in proposals.items():
            if proposal.district_id != district.pk:
                continue
            projects.append(
                ProjectResult(
                    proposal=proposal,
                    votes=votes.get(pk, 0),
                    supporters=supporters.get(pk, 0),
                    is_selected={rule: pk in result.selected for rule, result in results.items()},
                    explanation=explanation.get("projects", {}).get(str(pk), {}),
                    bar_percent=round(100 * votes.get(pk, 0) / most, 1),
                )
            )
        projects.sort(key=lambda project: (-project.votes, project.proposal.pk))
        output.append(
            DistrictResult(
                district=district,
                projects=projects,
                spent={rule: result.cost for rule, result in results.items()},
                ballot_count=max(result.ballot_count for result in results.values()),
                official_rule=process.official_rule,
            )
        )
    return output


def turnout_by_channel(*, process: Process) -> dict[str, int]:
    counts = dict(
        Ballot.objects.filter(process=process)
        .values_list("channel")
        .annotate(count=Count("id"))
        .values_list("channel", "count")
    )
    return {channel: counts.get(channel, 0) for channel in Ballot.Channel.values}


def published_ballots(*, process: Process) -> QuerySet[Ballot]:
    """The ballots with their receipt fingerprints and choices, for anyone to check."""
    return (
        Ballot.objects.filter(process=process, receipt_hash__isnull=False)
        .select_related("district")
        .prefetch_related(
            Prefetch("choices", queryset=BallotChoice.objects.order_by("proposal_id"))
        )
        .order_by("receipt_hash")
    )


# --- Council of foreign residents --------------------------------------------------------


def council_list() -> QuerySet[Council]:
    return Council.objects.filter(is_active=True)


def council_get(*, slug: str) -> Council:
    council = Council.objects.filter(slug=slug, is_active=True).first()
    if council is None:
        raise Http404("no such council")
    return council


def public_meetings(*, council: Council | None = None) -> QuerySet[Meeting]:
    """Public meetings only: a closed meeting appears on no public page, feed or API."""
    meetings = Meeting.objects.filter(is_public=True, council__is_active=True).select_related(
        "council", "location"
    )
    return meetings.filter(council=council) if council is not None else meetings


def upcoming_meetings(*, council: Council | None = None) -> QuerySet[Meeting]:
    return (
        public_meetings(council=council).filter(ends_at__gte=timezone.now()).order_by("starts_at")
    )


def past_meetings(*, council: Council | None = None) -> QuerySet[Meeting]:
    return (
        public_meetings(council=council).filter(ends_at__lt=timezone.now()).order_by("-starts_at")
    )


def meeting_get(*, council: Council, meeting_id: int) -> Meeting:
    meeting = (
        public_meetings(council=council)
        .prefetch_related("agenda_items", "documents", "recommendations")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404("no such meeting")
    return meeting


def public_members(*, council: Council) -> QuerySet[CouncilMember]:
    """Members who agreed to be listed, in their current term."""
    today = timezone.localdate()
    return council.members.filter(publication_agreed=True, term_start__lte=today).filter(
        Q(term_end__isnull=True) | Q(term_end__gte=today)
    )


@dataclass
class Tracker:
    recommendations: list[Recommendation]
    counts: list[tuple[str, str, int]]  # (status, label, count)
    total: int
    answered: int
    median_days_to_answer: float | None


def recommendation_tracker(*, council: Council, status: str = "") -> Tracker:
    """The council's recommendations (optionally of one status), the count per status and
    the median time from adoption to the city's answer."""
    everything = council.recommendations.select_related("meeting")
    by_status = dict(
        everything.order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    counts = [
        (value, str(label), by_status.get(value, 0))
        for value, label in RecommendationStatus.choices
    ]
    days = sorted(
        recommendation.days_to_answer
        for recommendation in everything
        if recommendation.days_to_answer is not None
    )
    shown = everything.filter(status=status) if status else everything
    return Tracker(
        recommendations=list(shown),
        counts=counts,
        total=sum(by_status.values()),
        answered=len(days),
        median_days_to_answer=float(statistics.median(days)) if days else None,
    )


def recommendation_get(*, council: Council, recommendation_id: int) -> Recommendation:
    recommendation = (
        council.recommendations.select_related("meeting")
        .prefetch_related("events")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None:
        raise Http404("no such recommendation")
    return recommendation


def latest_recommendations(*, limit: int = 5) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(council__is_active=True).select_related(
        "council", "meeting"
    )[:limit]
