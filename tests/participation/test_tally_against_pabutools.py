"""Our rules against pabutools 1.2.3 on random small elections (test-only dependencies).

pabutools is given our tie-breaking order, so every outcome must be identical, in order:

* MES without completion: ``method_of_equal_shares`` with cost satisfaction;
* MES + add1: ``exhaustion_by_budget_increase(..., budget_step=n, exhaustive_stop=False)``
  (every voter +1 per step until the outcome overspends; see participation.tally.rules);
* greedy: ``greedy_utilitarian_welfare`` with cost satisfaction, whose satisfaction per unit
  of cost is the vote count (with cardinality satisfaction pabutools would rank by votes per
  unit of cost, which does not reproduce the official Warsaw outcomes), on the voted projects.

Cumulative ballots use an additive satisfaction of points x cost, our MES utility. The one
documented divergence -- we fund voted projects that cost 0, pabutools' cost satisfaction gives
them no utility -- is taken out before comparing.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest

pytest.importorskip("pabutools")
hypothesis = pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    Instance,
)
from pabutools.election import Project as PabuProject  # noqa: E402
from pabutools.election.satisfaction.additivesatisfaction import (  # noqa: E402
    AdditiveSatisfaction,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares  # noqa: E402
from pabutools.rules.exhaustion import exhaustion_by_budget_increase  # noqa: E402
from pabutools.tiebreaking import TieBreakingRule  # noqa: E402

from participation.tally import equal_shares, greedy, tie_key  # noqa: E402


class PointsCostSat(AdditiveSatisfaction):
    """Satisfaction points x cost: our MES utility for cumulative ballots."""

    def __init__(self, instance: Instance, profile: object, ballot: dict) -> None:
        super().__init__(
            instance,
            profile,
            ballot,
            lambda _i, _p, b, project, _pre: b.get(project, 0) * project.cost,
        )


@st.composite
def elections(draw: st.DrawFn) -> tuple[dict[str, Fraction], list[dict[str, int]], Fraction, bool]:
    count = draw(st.integers(1, 12))
    ids = [str(i + 1) for i in range(count)]
    costs = st.one_of(st.integers(0, 60), st.sampled_from([10, 20, 30]))  # many ties
    projects = {pid: Fraction(draw(costs)) for pid in ids}
    cumulative = draw(st.booleans())
    points = st.integers(1, 3) if cumulative else st.just(1)
    ballot = st.dictionaries(st.sampled_from(ids), points, max_size=count)
    voters = draw(st.lists(ballot, min_size=1, max_size=40))
    budget = Fraction(draw(st.integers(1, 150)))
    return projects, voters, budget, cumulative


def to_pabutools(
    projects: dict[str, Fraction], ballots: list[dict[str, int]], budget: Fraction, cumulative: bool
) -> tuple:
    votes = Counter()
    for ballot in ballots:
        votes.update(ballot)
    order = sorted(projects, key=lambda pid: tie_key(pid, votes=votes[pid], cost=projects[pid]))
    rank = {pid: i for i, pid in enumerate(order)}
    instance = Instance(budget_limit=budget)
    objects = {pid: PabuProject(pid, cost) for pid, cost in projects.items()}
    instance.update(objects.values())
    if cumulative:
        profile = CumulativeProfile(
            [CumulativeBallot({objects[pid]: pts for pid, pts in b.items()}) for b in ballots],
            instance=instance,
        )
        satisfaction = PointsCostSat
    else:
        profile = ApprovalProfile(
            [ApprovalBallot(objects[pid] for pid in b) for b in ballots], instance=instance
        )
        satisfaction = Cost_Sat
    ties = TieBreakingRule(lambda _instance, _profile, project: rank[project.name])
    voted = Instance(budget_limit=budget)
    voted.update(objects[pid] for pid in projects if votes[pid] > 0)
    return instance, voted, profile, satisfaction, ties


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(elections())
def test_same_outcomes_as_pabutools(
    election: tuple[dict[str, Fraction], list[dict[str, int]], Fraction, bool],
) -> None:
    projects, ballots, budget, cumulative = election
    instance, voted, profile, satisfaction, ties = to_pabutools(
        projects, ballots, budget, cumulative
    )
    free = {pid for pid, cost in projects.items() if cost == 0}
    rule_params = {"sat_class": satisfaction, "tie_breaking": ties}

    ours = equal_shares(projects=projects, ballots=ballots, budget=budget, completion=None)
    theirs = method_of_equal_shares(instance, profile, **rule_params)
    assert [pid for pid in ours.selected if pid not in free] == [p.name for p in theirs]

    ours = equal_shares(projects=projects, ballots=ballots, budget=budget, completion="add1")
    theirs = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        rule_params=dict(rule_params),
        budget_step=len(ballots),
        exhaustive_stop=False,
    )
    assert [pid for pid in ours.selected if pid not in free] == [p.name for p in theirs]

    ours_greedy = greedy(projects=projects, ballots=ballots, budget=budget)
    theirs = greedy_utilitarian_welfare(voted, profile, sat_class=satisfaction, tie_breaking=ties)
    # pabutools puts voted free projects last (0 satisfaction per unit of cost is undefined).
    assert [pid for pid in ours_greedy if pid not in free] == [
        p.name for p in theirs if p.name not in free
    ]
    assert set(ours_greedy) == {p.name for p in theirs}
