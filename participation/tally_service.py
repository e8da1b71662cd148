"""Between the database and the tally engine (participation.tally, which knows no models)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from participation.models import Ballot, BallotChoice, District, Proposal, Rule


@dataclass(frozen=True)
class DistrictOutcome:
    selected: list[int]
    cost: Decimal
    details: dict[str, Any]
    ballot_count: int


def district_ballots(*, district: District) -> tuple[dict[str, Fraction], list[dict[str, int]]]:
    """Costs of the district's projects and its ballots, as the engine takes them."""
    projects = {
        str(proposal.pk): Fraction(proposal.cost)
        for proposal in Proposal.objects.filter(district=district, status=Proposal.Status.FEASIBLE)
    }
    by_ballot: dict[str, dict[str, int]] = defaultdict(dict)
    for ballot_id, proposal_id, points in BallotChoice.objects.filter(
        ballot__district=district
    ).values_list("ballot_id", "proposal_id", "points"):
        by_ballot[str(ballot_id)][str(proposal_id)] = points
    empty = Ballot.objects.filter(district=district).count() - len(by_ballot)
    ballots = list(by_ballot.values()) + [{} for _index in range(max(empty, 0))]
    return projects, ballots


def district_tally(*, district: District, rule: Rule | str) -> DistrictOutcome:
    from participation.tally import rules

    projects, ballots = district_ballots(district=district)
    budget = Fraction(district.budget)
    votes: dict[str, int] = defaultdict(int)
    supporters: dict[str, int] = defaultdict(int)
    for ballot in ballots:
        for project, points in ballot.items():
            votes[project] += points
            supporters[project] += 1
    details: dict[str, Any] = {
        "votes": dict(votes),
        "supporters": dict(supporters),
        "ballot_type": district.process.ballot_type,
    }
    if rule == Rule.GREEDY:
        selected = rules.greedy(projects=projects, ballots=ballots, budget=budget)
    else:
        outcome = rules.equal_shares(
            projects=projects,
            ballots=ballots,
            budget=budget,
            completion="add1",
            greedy_fill=district.process.mes_completes_with_greedy,
        )
        selected = list(outcome.selected)
        details["explanation"] = outcome_explanation(outcome)
    cost = sum((projects[project] for project in selected), Fraction(0))
    return DistrictOutcome(
        selected=[int(project) for project in selected],
        cost=Decimal(cost.numerator) / Decimal(cost.denominator),
        details=details,
        ballot_count=len(ballots),
    )


def _money(value: Fraction) -> str:
    return f"{float(value):.2f}"


def outcome_explanation(outcome: Any) -> dict[str, Any]:
    """What the results page says of each project under MES, as plain JSON:
    funded ones — how many supporters paid and up to how much each; others — why not."""
    projects: dict[str, dict[str, Any]] = {}
    for funded in outcome.rounds:
        projects[funded.project_id] = {
            "payers": funded.payers,
            "supporters": funded.supporters,
            "min_payment": _money(funded.min_payment),
            "max_payment": _money(funded.max_payment),
        }
    for project in outcome.not_funded:
        projects[project.project_id] = {
            "reason": project.reason,
            "supporters_money": _money(project.supporters_money),
        }
    return {
        "projects": projects,
        "completion_budget": _money(outcome.completion_budget),
        "filled": list(outcome.filled),
    }
