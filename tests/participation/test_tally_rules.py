"""Greedy and the Method of Equal Shares: official outcomes, hand-computed cases, and a
brute-force reference written straight from the definition."""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.management import call_command

from participation.tally import equal_shares, greedy, parse_pb, tally, tie_key

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "pabulib"
FILES = sorted(REFERENCE.glob("*.pb"))


def run_command(path: Path, rule: str, capsys: pytest.CaptureFixture[str]) -> dict:
    call_command("pb_tally", pb_file=str(path), rule=rule, json=True)
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_pb_tally_reproduces_the_official_outcome(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = parse_pb(path.read_text(encoding="utf-8"))
    rule = {"equalshares/add1": "mes", "greedy": "greedy"}[instance.rule]
    result = run_command(path, rule, capsys)
    assert result["rule"] == rule
    chosen = [instance.projects[pid] for pid in result["selected"]]
    assert Fraction(str(result["cost"])) == sum(project.cost for project in chosen)
    assert sum(project.cost for project in chosen) <= instance.budget
    if any("selected" in project.extra for project in instance.projects.values()):
        official = {pid for pid, p in instance.projects.items() if p.extra["selected"] == "1"}
        assert set(result["selected"]) == official
    else:  # Toulouse publishes no outcome: check greedy by total points by hand.
        points = Counter()
        for vote in instance.votes:
            points.update(vote.points)
        left, expected = instance.budget, []
        costs = {pid: project.cost for pid, project in instance.projects.items()}
        for pid in sorted(points, key=lambda pid: tie_key(pid, votes=points[pid], cost=costs[pid])):
            if instance.projects[pid].cost <= left:
                expected.append(pid)
                left -= instance.projects[pid].cost
        assert result["selected"] == expected


def test_wieliczka_details() -> None:
    instance = parse_pb((REFERENCE / "poland_wieliczka_2023.pb").read_text(encoding="utf-8"))
    projects = {pid: project.cost for pid, project in instance.projects.items()}
    ballots = [vote.points for vote in instance.votes]
    result = equal_shares(projects=projects, ballots=ballots, budget=instance.budget)
    assert result.cost == 995079
    assert len(result.selected) == 30
    # add1 ends with every voter's share raised by 164 PLN: 6,586 x (1,000,000/6,586 + 164).
    assert result.completion_budget == 1_000_000 + 164 * 6586
    first = result.rounds[0]
    assert (first.project_id, first.supporters, first.payers) == ("24", 720, 720)
    assert first.rho == Fraction(1, 720)
    assert first.min_payment == first.max_payment == Fraction(5000, 720)
    for entry in result.rounds:
        assert entry.min_payment <= entry.max_payment
        assert entry.payers <= entry.supporters
    reasons = {entry.project_id: entry.reason for entry in result.not_funded}
    assert reasons["21"] == "too_expensive_for_supporters"  # 496 votes, 100,000 PLN
    money = {entry.project_id: entry.supporters_money for entry in result.not_funded}
    assert 0 < money["21"] < 100_000
    assert len(result.not_funded) == 64 - 30 - sum(
        1 for pid in instance.projects if not any(pid in vote.points for vote in instance.votes)
    )


# -- hand-computed cases -------------------------------------------------------------------------

# Ten voters, 100 to spend (10 each). X and Y are wanted by the same six voters, Z by the
# other four. Greedy gives the six everything; MES gives each group its share.
SPLIT = {"X": Fraction(50), "Y": Fraction(50), "Z": Fraction(40)}
SPLIT_BALLOTS = [{"X": 1, "Y": 1}] * 6 + [{"Z": 1}] * 4


def test_greedy_and_mes_differ_on_a_split_electorate() -> None:
    assert greedy(projects=SPLIT, ballots=SPLIT_BALLOTS, budget=100) == ["X", "Y"]
    once = equal_shares(projects=SPLIT, ballots=SPLIT_BALLOTS, budget=100, completion=None)
    assert once.selected == ["X", "Z"]
    x, z = once.rounds
    assert x.rho == Fraction(1, 6)  # the six pay 50/6 each
    assert x.min_payment == x.max_payment == Fraction(50, 6)
    assert z.rho == Fraction(1, 4)  # the four pay 10 each: all they have
    assert (z.payers, z.paid_all_they_had) == (4, 4)
    assert once.completion_budget == 100
    (y,) = once.not_funded
    assert (y.project_id, y.reason) == ("Y", "too_expensive_for_supporters")
    assert y.supporters_money == 6 * (10 - Fraction(50, 6))  # 10 < 50
    # add1: Y becomes affordable at 16.67 each, i.e. step 7 (17 each): X+Y+Z = 140 > 100,
    # so the outcome of step 6 (16 each) is kept.
    add1 = equal_shares(projects=SPLIT, ballots=SPLIT_BALLOTS, budget=100)
    assert add1.selected == ["X", "Z"]
    assert add1.completion_budget == 160
    assert add1.rounds[1].min_payment == 10  # now the four pay 10 of their 16
    filled = equal_shares(projects=SPLIT, ballots=SPLIT_BALLOTS, budget=100, greedy_fill=True)
    assert filled.selected == ["X", "Z"]  # Y (50) does not fit in the 10 left
    assert [entry.reason for entry in filled.not_funded] == ["over_budget"]


def test_greedy_fill_spends_what_mes_leaves() -> None:
    projects = {"A": Fraction(30), "B": Fraction(60)}
    ballots = [{"A": 1}, {"A": 1}, {"B": 1}]
    # 10 each: A's supporters have 20 for 30, B's 10 for 60 (more than the whole budget).
    result = equal_shares(projects=projects, ballots=ballots, budget=30, completion=None)
    assert result.selected == []
    result = equal_shares(
        projects=projects, ballots=ballots, budget=30, completion=None, greedy_fill=True
    )
    assert result.selected == result.filled == ["A"]
    assert result.cost == 30
    assert [(entry.project_id, entry.reason) for entry in result.not_funded] == [
        ("B", "exceeds_budget")
    ]


def test_ties_more_votes_then_lower_cost_then_natural_id() -> None:
    # Same price per unit of satisfaction (everyone pays an equal share): fewer votes lose.
    projects = {"a": Fraction(30), "b": Fraction(60)}
    ballots = [{"a": 1, "b": 1}] * 3
    assert (
        equal_shares(projects=projects, ballots=ballots, budget=60, completion=None).selected[0]
        == "a"
    )  # equal votes (3): the cheaper first
    # Equal votes and costs: natural id order, "9" before "10".
    projects = {"10": Fraction(10), "9": Fraction(10)}
    ballots = [{"10": 1, "9": 1}] * 2
    assert greedy(projects=projects, ballots=ballots, budget=10) == ["9"]
    result = equal_shares(projects=projects, ballots=ballots, budget=10, completion=None)
    assert result.selected == ["9"]
    assert sorted([tie_key(pid, votes=1, cost=Fraction(1)) for pid in ("b", "10", "9")]) == [
        tie_key("9", votes=1, cost=Fraction(1)),
        tie_key("10", votes=1, cost=Fraction(1)),
        tie_key("b", votes=1, cost=Fraction(1)),
    ]
    # Greedy: equal votes, lower cost first.
    projects = {"big": Fraction(70), "small": Fraction(40)}
    ballots = [{"big": 1, "small": 1}]
    assert greedy(projects=projects, ballots=ballots, budget=100) == ["small"]


def test_a_free_project_and_an_empty_ballot() -> None:
    projects = {"free": Fraction(0), "park": Fraction(60), "nobody": Fraction(0)}
    # Two voters: one wants the park, one votes for nothing. Each gets 100/2 = 50 < 60.
    ballots = [{"park": 1, "free": 1}, {}]
    once = equal_shares(projects=projects, ballots=ballots, budget=100, completion=None)
    assert once.selected == ["free"]  # funded first, for nothing; no one voted for "nobody"
    assert once.rounds[0].rho == 0
    assert [entry.project_id for entry in once.not_funded] == ["park"]
    assert once.not_funded[0].supporters_money == 50
    # add1: from 60 each the park fits, and every outcome fits the budget.
    result = equal_shares(projects=projects, ballots=ballots, budget=100)
    assert result.selected == ["free", "park"]
    assert greedy(projects=projects, ballots=ballots, budget=100) == ["free", "park"]
    assert equal_shares(projects=projects, ballots=[], budget=100).selected == []


def test_cumulative_points_weight_the_payments() -> None:
    # Two voters, 50 each. P costs 60; voter 1 gave 3 points, voter 2 one point: they pay in
    # proportion, 45 and 15 (utility = points x cost).
    result = equal_shares(
        projects={"P": Fraction(60)}, ballots=[{"P": 3}, {"P": 1}], budget=100, completion=None
    )
    (entry,) = result.rounds
    assert entry.rho == Fraction(1, 4)
    assert (entry.min_payment, entry.max_payment) == (15, 45)
    # With 40 each (a third voter votes for nothing), voter 1 cannot pay 3 x 20 = 60: they pay
    # all they have, 40, and voter 2 pays 20; the price is 20 per point, rho = 20 / 60.
    result = equal_shares(
        projects={"P": Fraction(60)}, ballots=[{"P": 3}, {"P": 1}, {}], budget=120, completion=None
    )
    (entry,) = result.rounds
    assert entry.rho == Fraction(1, 3)
    assert (entry.min_payment, entry.max_payment, entry.paid_all_they_had) == (20, 40, 1)


def test_invalid_input_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown project"):
        greedy(projects={"a": 1}, ballots=[{"b": 1}], budget=1)
    with pytest.raises(ValueError, match="negative cost"):
        equal_shares(projects={"a": -1}, ballots=[], budget=1)
    with pytest.raises(ValueError, match="points"):
        equal_shares(projects={"a": 1}, ballots=[{"a": -2}], budget=1)
    with pytest.raises(ValueError, match="completion"):
        equal_shares(projects={"a": 1}, ballots=[], budget=1, completion="add2")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rule"):
        tally(instance=parse_pb(FILES[0].read_text(encoding="utf-8")), rule="nope")  # type: ignore[arg-type]


# -- brute-force reference -----------------------------------------------------------------------


def reference_run(projects: dict, ballots: list[dict], share: Fraction) -> list[str]:
    """MES from the definition: every round, the project with the lowest price rho such that
    its supporters can pay ``min(budget, rho * points * cost)`` summing to its cost."""
    votes = Counter()
    for ballot in ballots:
        votes.update(ballot)
    order = sorted(projects, key=lambda pid: tie_key(pid, votes=votes[pid], cost=projects[pid]))
    priority = {pid: i for i, pid in enumerate(order)}
    budgets = [share] * len(ballots)
    remaining = [pid for pid in order if projects[pid] > 0 and votes[pid] > 0]
    chosen = []
    while True:
        best = None
        for pid in list(remaining):
            cost = projects[pid]
            supporters = sorted(
                ((i, ballot[pid]) for i, ballot in enumerate(ballots) if ballot.get(pid)),
                key=lambda item: budgets[item[0]] / item[1],
            )
            if sum(budgets[i] for i, _w in supporters) < cost:
                remaining.remove(pid)
                continue
            left, weight = cost, sum(w for _i, w in supporters)
            for i, w in supporters:
                level = left / weight
                if level * w <= budgets[i]:
                    break
                left -= budgets[i]
                weight -= w
            key = (level / cost, priority[pid])
            if best is None or key < best[0]:
                best = (key, pid, level)
        if best is None:
            return chosen
        _key, pid, level = best
        for i, ballot in enumerate(ballots):
            if ballot.get(pid):
                budgets[i] -= min(budgets[i], level * ballot[pid])
        remaining.remove(pid)
        chosen.append(pid)


def reference_mes(projects: dict, ballots: list[dict], budget: Fraction, completion) -> list[str]:
    votes = Counter()
    for ballot in ballots:
        votes.update(ballot)
    free = sorted(
        (pid for pid in projects if projects[pid] == 0 and votes[pid] > 0),
        key=lambda pid: tie_key(pid, votes=votes[pid], cost=0),
    )
    if not ballots:
        return free
    share = budget / len(ballots)
    if completion is None:
        return free + reference_run(projects, ballots, share)
    previous: list[str] = []
    for step in range(math.floor(budget) + 1):
        outcome = reference_run(projects, ballots, share + step)
        if sum(projects[pid] for pid in outcome) > budget:
            return free + previous
        previous = outcome
    return free + previous


def random_instance(rng: random.Random, *, weighted: bool) -> tuple[dict, list[dict], Fraction]:
    count = rng.randint(1, 8)
    costs = [0, 1, 2, 5, 10, 10, 20, 25, 40, 50]
    projects = {
        str(i + 1): Fraction(rng.choice([*costs, rng.randint(1, 99)])) for i in range(count)
    }
    ballots: list[dict] = []
    for _ in range(rng.randint(0, 14)):
        if ballots and rng.random() < 0.3:
            ballots.append(dict(rng.choice(ballots)))  # repeated ballots are common
            continue
        chosen = rng.sample(sorted(projects), rng.randint(0, count))
        ballots.append({pid: rng.randint(1, 3) if weighted else 1 for pid in chosen})
    budget = Fraction(rng.choice([1, 10, 20, 50, 60, 100, rng.randint(1, 150)]))
    if rng.random() < 0.2:
        budget += Fraction(rng.randint(1, 99), 100)
    return projects, ballots, budget


@pytest.mark.parametrize("seed", range(6))
def test_equal_shares_matches_the_brute_force_reference(seed: int) -> None:
    rng = random.Random(seed)
    for number in range(60):
        projects, ballots, budget = random_instance(rng, weighted=number % 3 == 0)
        for completion in (None, "add1"):
            expected = reference_mes(projects, ballots, budget, completion)
            for jump in (True, False):
                result = equal_shares(
                    projects=projects,
                    ballots=ballots,
                    budget=budget,
                    completion=completion,
                    _jump=jump,
                )
                assert result.selected == expected, (projects, ballots, budget, completion)
                assert result.cost <= budget


@pytest.mark.parametrize("seed", range(4))
def test_larger_elections_with_many_exact_ties_match_the_reference(seed: int) -> None:
    # Few repeated ballots (so the float fast path runs), costs from a short list and
    # budgets that split evenly: many prices tie exactly and must be decided exactly.
    rng = random.Random(100 + seed)
    ids = [str(i + 1) for i in range(30)]
    projects = {pid: Fraction(rng.choice([60, 120, 180, 300, 600])) for pid in ids}
    voters = 500
    ballots = [dict.fromkeys(rng.sample(ids, rng.randint(3, 6)), 1) for _ in range(voters)]
    budget = Fraction(voters * rng.choice([2, 3, 5]))
    expected = reference_run(projects, ballots, budget / voters)
    result = equal_shares(projects=projects, ballots=ballots, budget=budget, completion=None)
    assert result.selected == expected
