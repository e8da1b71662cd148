"""Participatory-budget rules: greedy and the Method of Equal Shares (MES), decided exactly.

Why exact: a city announces winners; two projects can tie to the last cent (equal costs, equal
votes), and a float rounding would pick a winner nobody can justify. Every decision below --
does a project fit, is it affordable, which project is cheapest per unit of satisfaction, who
wins a tie -- is taken on exact rationals (``fractions.Fraction``) or integers. Floats are only a
fast pre-filter: the MES engine keeps float copies of the voters' budgets together with a
rigorous bound on their error, and any comparison that the bound cannot settle is redone
exactly (see :class:`_Engine`).

Conventions (all documented choices, checked against the official outcomes in
``shared/reference/pabulib`` and against pabutools 1.2.3 in the tests):

* **Points.** A ballot maps project ids to points: 1 for approval ballots, the points given
  for cumulative ones. A project's *votes* are its total points.
* **Tie-breaking** (both rules): more votes first, then lower cost, then the project id in
  natural order (numeric ids by value, "9" before "10"; other ids after, alphabetically).
  pabutools' default is the plain lexicographic id; ours favours the project more people asked
  for, which is easier to explain, and reproduces every official outcome in the reference files
  (ties do not decide any of them). The tests hand the same order to pabutools.
* **greedy**: projects with at least one point, by votes (desc), each taken if it still fits in
  what is left of the budget, otherwise skipped. This is pabutools'
  ``greedy_utilitarian_welfare`` with *cost* satisfaction (whose "satisfaction per unit of cost"
  is exactly the vote count); with cardinality satisfaction pabutools ranks by votes per unit of
  cost instead, which does not reproduce the Warsaw outcomes. Unlike pabutools we never fund a
  project nobody voted for, even if money is left.
* **MES utilities**: a supporter's utility for a project is ``points x cost`` ("cost
  utilities"; points are 1 for approval ballots, so approval MES is exactly pabutools'
  ``Cost_Sat``). A supporter of a project funded at price ``rho`` pays
  ``min(remaining budget, rho x points x cost)``: for cumulative ballots a voter who gave 3
  points pays up to three times as much as one who gave 1, consistently with greedy ranking by
  total points. (pabutools' ``Cost_Sat`` ignores points on cumulative ballots; its
  ``Additive_Cardinal_Sat`` would make MES indifferent to costs. The tests check our cumulative
  MES against pabutools with an additive satisfaction of ``points x cost``.)
* **Projects costing 0** with at least one vote are funded first (they cost nobody anything);
  pabutools' ``Cost_Sat`` gives them zero utility and never selects them. With greedy's
  "never an unvoted project" these are the only divergences from pabutools; the tests
  compare without them.
* **add1 completion**: each voter starts with ``budget / n`` (n counts every ballot, empty ones
  too). If the outcome does not spend the budget, every voter's share is raised by one currency
  unit (the virtual total grows by ``n``), MES is run again, and so on until the outcome would
  cost more than the real budget; the last outcome that fits is kept. This is pabutools'
  ``exhaustion_by_budget_increase(..., budget_step=n, exhaustive_stop=False)`` including its
  bound (at most ``budget`` steps), and it reproduces Wieliczka 2023 (995,079 PLN). Note that
  pabutools' ``method_of_equal_shares(voter_budget_increment=1)`` also stops as soon as an
  outcome is *exhaustive*, which yields a different, non-official outcome for Wieliczka.
* **greedy_fill** (optional) then adds the remaining voted projects greedily, as above.

Speed (add1 can need hundreds of MES runs): identical ballots are grouped; each run keeps
projects in a heap by a lower bound of their price (prices only rise within a run) and
re-prices only those that could win the round; pricing sorts only the budgets that may fall
below the payment level; exact levels are caught up by counting, as integers over a common
denominator. add1 steps one unit at a time but skips ranges it can *prove* unchanged (see
``_Mes.add1``). Measured on the reference machine: Wieliczka 2023 in ~0.35 s (pabutools: ~70 s)
and 100,000 voters x 200 projects in ~8 s (``benchmarks/pb_tally.py``).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, chain, compress
from operator import itemgetter, mul
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from participation.tally.pabulib import PbInstance

__all__ = [
    "MesResult",
    "MesRound",
    "NotFunded",
    "TallyResult",
    "equal_shares",
    "greedy",
    "tally",
]

Completion = Literal["add1"] | None
RuleName = Literal["greedy", "mes"]

#: Unit roundoff of IEEE doubles: |fl(x op y) - (x op y)| <= U * |x op y|.
_U = 2.0**-53


@dataclass(frozen=True)
class MesRound:
    """One funded project of the final MES run, with what its supporters paid.

    A supporter pays ``min(money left, rho x points x cost)``: ``rho`` is the price per unit of
    utility (for approval ballots ``rho x cost`` is what each supporter who can afford it pays).
    Amounts are in currency units, exact.
    """

    project_id: str
    cost: Fraction
    rho: Fraction
    supporters: int
    payers: int
    paid_all_they_had: int
    min_payment: Fraction
    max_payment: Fraction


@dataclass(frozen=True)
class NotFunded:
    """A voted project that was not funded, and why (for the results page).

    ``reason`` is one of ``"exceeds_budget"`` (costs more than the whole budget),
    ``"too_expensive_for_supporters"`` (at the end of MES its supporters had less money left
    than its cost) or ``"over_budget"`` (greedy_fill was on and it did not fit in what was left
    of the real budget). ``supporters_money`` is what its supporters had left at the end of the
    final MES run (in the virtual budget of that run).
    """

    project_id: str
    cost: Fraction
    votes: int
    reason: str
    supporters_money: Fraction


@dataclass(frozen=True)
class MesResult:
    """Outcome of :func:`equal_shares`.

    ``selected`` is in selection order: voted projects costing 0, then MES's choices (one
    :class:`MesRound` each in ``rounds``), then the greedy fill (``filled``).
    ``completion_budget`` is the total virtual budget of the kept MES run (the real budget
    without completion); ``runs`` counts the MES runs computed (diagnostics).
    """

    selected: list[str]
    rounds: list[MesRound]
    filled: list[str]
    not_funded: list[NotFunded]
    completion_budget: Fraction
    cost: Fraction
    runs: int


@dataclass(frozen=True)
class TallyResult:
    """What the command and the results page need: winners, the rule, their total cost."""

    selected: list[str]
    rule: str
    cost: Fraction


def _natural_key(project_id: str) -> tuple[int, int, str]:
    if project_id.isascii() and project_id.isdigit():
        return (0, int(project_id), project_id)
    return (1, 0, project_id)


def tie_key(project_id: str, *, votes: int, cost: Fraction) -> tuple[object, ...]:
    """Sort key of the tie-breaking order: more votes, then lower cost, then natural id."""
    return (-votes, Fraction(cost), _natural_key(project_id))


class _Election:
    """Validated input in index form: projects ordered by tie priority, ballots grouped.

    Identical ballots are merged into one group with a multiplicity: they pay the same at every
    step of MES, and real elections repeat ballots a lot (Wieliczka: 6,586 voters, 1,190
    distinct ballots), which divides the work accordingly.
    """

    def __init__(
        self,
        projects: Mapping[str, Fraction | int],
        ballots: Sequence[Mapping[str, int]],
        budget: Fraction | int,
    ) -> None:
        self.budget = Fraction(budget)
        if self.budget < 0:
            raise ValueError("the budget is negative")
        costs = {str(pid): Fraction(cost) for pid, cost in projects.items()}
        for pid, cost in costs.items():
            if cost < 0:
                raise ValueError(f"project {pid!r} has a negative cost")
        votes = dict.fromkeys(costs, 0)
        supporters = dict.fromkeys(costs, 0)
        unit = True
        for number, ballot in enumerate(ballots):
            for pid, points in ballot.items():
                if pid not in votes:
                    raise ValueError(f"ballot {number} names unknown project {pid!r}")
                if points != 1:
                    if int(points) != points or points < 0:
                        raise ValueError(f"ballot {number} gives {points!r} points to {pid!r}")
                    unit = False
                    if not points:
                        continue
                votes[pid] += int(points)
                supporters[pid] += 1
        self.unit_points = unit
        self.ids = sorted(costs, key=lambda pid: tie_key(pid, votes=votes[pid], cost=costs[pid]))
        self.index = {pid: i for i, pid in enumerate(self.ids)}
        self.cost = [costs[pid] for pid in self.ids]
        self.votes = [votes[pid] for pid in self.ids]
        self.n = len(ballots)
        self.ballots = ballots
        self.supporters = [supporters[pid] for pid in self.ids]
        self.free = [p for p in range(len(self.ids)) if self.cost[p] == 0 and self.votes[p] > 0]
        self.eligible = [p for p in range(len(self.ids)) if self.cost[p] > 0 and self.votes[p] > 0]
        self.eligible_set = set(self.eligible)
        self.greedy_order = [p for p in range(len(self.ids)) if self.votes[p] > 0]

    def greedy(self, budget: Fraction, taken: Iterable[int] = ()) -> list[int]:
        """Indices taken greedily (tie order = greedy order) within ``budget``."""
        taken = set(taken)
        chosen: list[int] = []
        for p in self.greedy_order:
            if p not in taken and self.cost[p] <= budget:
                chosen.append(p)
                budget -= self.cost[p]
        return chosen

    def prepare_mes(self) -> None:
        """Group identical ballots and index supporters (only MES needs this)."""
        index = self.index
        groups: dict[tuple[int, ...], int] = {}
        weighted: dict[tuple[tuple[int, int], ...], int] = {}
        for ballot in self.ballots:
            if not ballot:
                continue
            if self.unit_points:
                key = tuple(sorted(map(index.__getitem__, ballot)))
                groups[key] = groups.get(key, 0) + 1
            else:
                wkey = tuple(sorted((index[pid], int(pts)) for pid, pts in ballot.items() if pts))
                if wkey:
                    weighted[wkey] = weighted.get(wkey, 0) + 1
        self.gw: list[tuple[int, ...]] | None = None
        if self.unit_points and len(groups) * 10 > sum(groups.values()) * 9:
            # Few repeated ballots: one group per voter is faster (see _evaluate_simple).
            self.gp: list[tuple[int, ...]] = [key for key, m in groups.items() for _ in range(m)]
            self.gm = [1] * len(self.gp)
        elif self.unit_points:
            self.gp = list(groups)
            self.gm = list(groups.values())
        else:
            self.gp = [tuple(p for p, _w in key) for key in weighted]
            self.gw = [tuple(w for _p, w in key) for key in weighted]
            self.gm = list(weighted.values())
        count = len(self.ids)
        sup: list[list[int]] = [[] for _ in range(count)]
        for g, ps in enumerate(self.gp):
            for p in ps:
                sup[p].append(g)
        self.sup = sup
        self.simple = self.unit_points and all(m == 1 for m in self.gm)
        if self.gw is None:
            self.sw: list[list[int]] | None = None
        else:
            weights: list[list[int]] = [[] for _ in range(count)]
            for ps, ws in zip(self.gp, self.gw, strict=True):
                for p, w in zip(ps, ws, strict=True):
                    weights[p].append(w)
            self.sw = weights
        gm = self.gm
        self.sm = [[gm[g] for g in groups_] for groups_ in sup]
        if self.sw is None:
            self.smw = self.sm
        else:
            self.smw = [list(map(mul, ms, ws)) for ms, ws in zip(self.sm, self.sw, strict=True)]
        self.W = [sum(smw) for smw in self.smw]
        self.w_max = max((max(ws) for ws in self.gw), default=1) if self.gw else 1
        self.getters = [
            itemgetter(*groups_) if len(groups_) > 1 else _single_getter(groups_) for groups_ in sup
        ]
        # Money scaled by D (common denominator of budget and costs): integer costs C.
        scale = self.budget.denominator
        for cost in self.cost:
            scale = math.lcm(scale, cost.denominator)
        self.D = scale
        self.C = [int(cost * scale) for cost in self.cost]
        self.fC = [float(c) for c in self.C]


def _single_getter(groups: list[int]) -> Callable[[list[float]], tuple[float, ...]]:
    if not groups:
        return lambda fb: ()
    g = groups[0]
    return lambda fb: (fb[g],)


def greedy(
    *,
    projects: Mapping[str, Fraction | int],
    ballots: Sequence[Mapping[str, int]],
    budget: Fraction | int,
) -> list[str]:
    """Greedy by votes: take each voted project, most votes first, while it still fits.

    ``projects`` maps ids to costs, ``ballots`` map ids to points. Returns ids in the order
    taken. Ties: see the module docstring.
    """
    election = _Election(projects, ballots, budget)
    return [election.ids[p] for p in election.greedy(election.budget)]


@dataclass
class _Priced:
    """A project priced in one round: ``lo <= rho <= hi`` for its exact price ``rho``."""

    p: int
    lo: float
    hi: float
    fq: float = 0.0  # float payment level per unit of weight
    delta: float = math.inf  # |fq - exact level| <= delta
    certified: bool = False  # the float split into poor / rich payers is certainly exact
    members: int = 0
    rich_weight: int = 0
    exact: tuple[Fraction, list[int], dict[int, Fraction]] | None = None

    @property
    def level(self) -> Fraction:
        """The exact level (only once :meth:`_Engine.make_exact` has run)."""
        if self.exact is None:
            raise RuntimeError("priced in floats only")
        return self.exact[0]


@dataclass
class _Round:
    p: int
    poor: list[int]  # groups that paid all they had
    poor_values: list[float]  # their float budgets before paying
    rich_weight: int
    payers: int
    q: Fraction | None
    err: float  # error bound of the budgets before this round
    fq: float  # the float level the rich paid (per unit of weight)


@dataclass
class _RunResult:
    """One MES run at a per-voter budget: the funded sequence and price upper bounds."""

    k: int
    seq: list[int]
    rho_high: list[float]
    cost: Fraction
    certified: bool
    engine: _Engine | None = None  # kept for the step that may be the answer


class _Engine:
    """One MES run with float budgets under a rigorous error bound, decided exactly.

    Money is scaled by ``D`` (the common denominator of budget and costs) so that costs are
    integers. Each voter group ``g`` has a float budget ``fb[g]`` per member. Invariants:

    * ``fb[g] == 0.0`` exactly when the group's exact budget is 0 (it paid all it had);
    * otherwise ``|fb[g] - b[g]| <= self.err``. Each round adds at most ``w * delta`` (the
      bound on the float payment level) plus two roundings of at most ``U t``;
    * a group with money has never paid "all it had", so its exact budget is
      ``t - sum(q[f] * w)`` over the funded projects ``f`` of its ballot. So the exact state is
      a function of the per-round log (who paid all they had, the rich weight), and exact
      prices are computed only when needed (:meth:`catch_up`), by counting.

    Pricing project ``p`` in floats: water-filling over its supporters' budgets gives a level
    ``fq``; if the poor/rich split around ``fq`` is certain (the last poor and the first rich
    budget are farther from ``fq`` than the errors allow), the exact level uses the same split
    and ``|fq - q| <= (poor members x err + rounding) / rich weight``. Otherwise a looser bound
    holds (the balance ``sum(min(b, q w)) = cost`` has slope >= 1 in ``q``). A winner whose
    split is uncertain, or projects whose price intervals overlap the best one (ties), are
    priced exactly.
    """

    def __init__(self, election: _Election, t: Fraction) -> None:
        self.el = election
        self.t = t
        self.tf = float(t)
        self.fb = [self.tf] * len(election.gm)
        self.err = 2.0 * _U * self.tf
        self.qx: list[Fraction | None] = [None] * len(election.ids)
        self.funded_round = [-1] * len(election.ids)
        self.log: list[_Round] = []
        self.exact_upto = 0
        self.fallbacks = 0  # exact re-pricing after a violated float bound (should stay 0)
        self.err_base = self.err
        # Exact levels as integers over a common denominator L (with t too): fast sums.
        self.L = t.denominator
        self.Tn = t.numerator
        self.Qn = [0] * len(election.ids)
        self.exact_funded: list[int] = []
        self.level_hint = [0.0] * len(election.ids)
        # Supporter lists of this run; the simple path drops groups that ran out of money.
        self.sup = list(election.sup)
        self.getters = list(election.getters)
        # Past this bound the exact levels are caught up, which resets the error (catch_up).
        self.err_limit = 1e-9 * self.tf
        # Round in which each group ran out of money (-1: never had any).
        self.zero_round = [len(election.ids) + 1 if self.tf else -1] * len(election.gm)

    # -- exact side ----------------------------------------------------------------------------
    def catch_up(self) -> None:
        """Exact payment levels of every round so far (counting over who paid all they had).

        Then the error bound is rebuilt from the now known deviation of each round's float
        level from the exact one, which keeps it from compounding.
        """
        el = self.el
        w_max = el.w_max
        rounding = 4.0 * _U * self.tf
        for r in range(self.exact_upto, len(self.log)):
            entry = self.log[r]
            if entry.q is None:
                members, acc = self._counts(entry.poor, r)
                scale = self.L
                poor_money = self.Tn * members - sum(self.Qn[f] * c for f, c in acc.items())
                entry.q = Fraction(el.C[entry.p] * scale - poor_money, entry.rich_weight * scale)
            if self.qx[entry.p] is None:
                self._set_level(entry.p, entry.q)
            deviation = float(abs(Fraction(entry.fq) - entry.q)) * (1 + 4 * _U)
            self.err_base += w_max * deviation + rounding
        self.exact_upto = len(self.log)
        self.err = self.err_base

    def _set_level(self, p: int, q: Fraction) -> None:
        """Record an exact level, kept as an integer over the common denominator ``L``."""
        self.qx[p] = q
        denominator = q.denominator
        if self.L % denominator:
            factor = denominator // math.gcd(self.L, denominator)
            self.L *= factor
            self.Tn *= factor
            for f in self.exact_funded:
                self.Qn[f] *= factor
        self.Qn[p] = q.numerator * (self.L // denominator)
        self.exact_funded.append(p)

    def _counts(self, groups: Iterable[int], limit: int) -> tuple[int, dict[int, int]]:
        """Members of ``groups`` and the weight they paid for each project funded before
        round ``limit`` (they all had money then, so they paid the level for all of them)."""
        el = self.el
        gp, gw, gm = el.gp, el.gw, el.gm
        funded_round = self.funded_round
        if el.simple:
            # One voter per group, one point per project: count in C.
            groups = list(groups)
            counted = Counter(chain.from_iterable(map(gp.__getitem__, groups)))
            return len(groups), {f: c for f, c in counted.items() if -1 < funded_round[f] < limit}
        members = 0
        acc: dict[int, int] = {}
        get = acc.get
        if gw is None:
            for g in groups:
                m = gm[g]
                members += m
                for f in gp[g]:
                    if -1 < funded_round[f] < limit:
                        acc[f] = get(f, 0) + m
        else:
            for g in groups:
                m = gm[g]
                members += m
                for f, w in zip(gp[g], gw[g], strict=True):
                    if -1 < funded_round[f] < limit:
                        acc[f] = get(f, 0) + m * w
        return members, acc

    def exact_sum(self, groups: Iterable[int], limit: int | None = None) -> Fraction:
        """Exact total money of groups that all have money, now or before round ``limit``.

        Needs :meth:`catch_up` first.
        """
        members, acc = self._counts(groups, len(self.log) if limit is None else limit)
        money = self.Tn * members - sum(self.Qn[f] * c for f, c in acc.items())
        return Fraction(money, self.L)

    def exact_budget(self, g: int, before_round: int | None = None) -> Fraction:
        """Exact budget of one group with money (after catch-up), now or before a round."""
        return self.exact_sum((g,), before_round) / self.el.gm[g]

    def exact_price(
        self, p: int, fq: float, delta: float
    ) -> tuple[Fraction, list[int], dict[int, Fraction]] | None:
        """Exact level of ``p`` (given ``|fq - level| <= delta``), who pays all, exact rich.

        Returns (level q, groups paying all they have, {group near the level: exact budget}),
        or None if ``p`` is not affordable.
        """
        self.catch_up()
        el = self.el
        fb = self.fb
        e = 2.0 * self.err + 4.0 * _U * self.tf
        low, high = (fq - delta, fq + delta) if math.isfinite(delta) else (-math.inf, math.inf)
        certain_poor: list[int] = []
        uncertain: list[tuple[int, int, int]] = []
        rich_weight = 0
        weights = el.sw[p] if el.sw is not None else [1] * len(el.sup[p])
        for g, w, m in zip(el.sup[p], weights, el.sm[p], strict=True):
            value = fb[g]
            if not value:
                continue
            if value + e < low * w:
                certain_poor.append(g)
            elif value - e > high * w:
                rich_weight += m * w
            else:
                uncertain.append((g, w, m))
        remaining = Fraction(el.C[p])
        if certain_poor:
            remaining -= self.exact_sum(certain_poor)
        weight = rich_weight + sum(w * m for _g, w, m in uncertain)
        items = sorted(
            ((self.exact_budget(g), g, w, m) for g, w, m in uncertain),
            key=lambda item: item[0] / item[2],
        )
        poor = certain_poor
        position = 0
        while position < len(items):
            budget, g, w, m = items[position]
            if remaining * w <= budget * weight:
                break
            remaining -= budget * m
            weight -= w * m
            poor.append(g)
            position += 1
        if weight == 0:
            return None
        q = remaining / weight
        if not low <= q <= high:  # pragma: no cover - the float bounds are rigorous
            # Should never happen; stay exact anyway: decide every supporter exactly.
            self.fallbacks += 1
            return self.exact_price(p, 0.0, math.inf)
        return q, poor, {g: budget for budget, g, _w, _m in items[position:]}

    # -- float side ----------------------------------------------------------------------------
    def evaluate(self, p: int, cutoff: float | None = None) -> _Priced | None:
        """Price ``p`` now; None when it is certainly unaffordable (for the rest of the run).

        With a ``cutoff``, a project whose price surely exceeds it may come back with only a
        lower bound (``hi`` infinite).
        """
        if self.el.simple:
            return self._evaluate_simple(p, cutoff)
        el = self.el
        vals = el.getters[p](self.fb)
        err = self.err
        cost = el.fC[p]
        sm = el.sm[p]
        money = sum(map(mul, vals, sm))
        members = sum(compress(sm, vals))
        if not members:
            return None
        weight = members if el.sw is None else sum(compress(el.smw[p], vals))
        slack = members * err + (len(vals) + 2) * _U * max(money, cost)
        if money + slack < cost:
            return None
        if money - slack <= cost:
            return self._exactly(p)
        if el.sw is None:
            positive = [v for v in vals if v]
            ms = list(compress(sm, vals))
            items = sorted(zip(positive, map(mul, positive, ms), ms, strict=True))
        else:
            items = sorted(
                (v / w, v * m, m * w) for v, w, m in zip(vals, el.sw[p], sm, strict=True) if v
            )
        crem, wrem = cost, weight
        last_poor = -math.inf
        first_rich = items[0][0]
        poor_members = steps = 0
        for ratio, paid, mw in items:
            if crem <= ratio * wrem:
                first_rich = ratio
                break
            crem -= paid
            wrem -= mw
            poor_members += mw
            steps += 1
            last_poor = ratio
        else:
            return self._exactly(p)
        return self._priced(
            p, crem / wrem, wrem, members, poor_members, steps, last_poor, first_rich
        )

    def _evaluate_simple(self, p: int, cutoff: float | None = None) -> _Priced | None:
        """:meth:`evaluate` for approval ballots without repeats (every weight is 1).

        When everyone can pay an equal share (the common case early in a run) three C-level
        passes settle it. Otherwise only the budgets below a provisional level are sorted:
        within a run levels only rise, so the project's last level (plus a margin) usually
        catches every voter who pays all they have in one pass. The split between those and
        the others is found by bisection over prefix sums: with budgets sorted,
        ``v[j] * (members - j) + (sum of v[:j]) - cost`` is non-decreasing in ``j``.
        """
        el = self.el
        fb = self.fb
        vals = self.getters[p](fb)
        cost = el.fC[p]
        count = len(vals)
        smallest = min(vals)
        if smallest * count > cost * (1 + 1e-9) + count * self.err:
            # Everyone can pay an equal share (so it is affordable): common early in a run.
            priced = self._priced(p, cost / count, count, count, 0, 0, -math.inf, smallest)
            self.level_hint[p] = max(self.level_hint[p], priced.fq - priced.delta)
            return priced
        money = sum(vals)
        zeros = vals.count(0.0) if not smallest else 0
        members = count - zeros
        if not members:
            return None
        slack = members * self.err + (count + 2) * _U * max(money, cost)
        if money + slack < cost:
            return None
        if money - slack <= cost:
            return self._exactly(p)
        if smallest * members >= cost:
            priced = self._priced(p, cost / members, members, members, 0, 0, -math.inf, smallest)
            self.level_hint[p] = max(self.level_hint[p], priced.fq - priced.delta)
            return priced
        if zeros * 5 > count:
            # Many supporters have nothing left: stop looking at them for the rest of the run.
            alive = [g for g in self.sup[p] if fb[g]]
            self.sup[p] = alive
            self.getters[p] = itemgetter(*alive) if len(alive) > 1 else _single_getter(alive)
            vals = self.getters[p](fb)
            zeros = 0
        # Budgets surely below the level pay all they have: sum them without sorting. Within a
        # run levels only rise, so a lower bound of this project's last level is one of its
        # level now; an exact budget is at most its float plus err, hence the margin.
        err = self.err
        start = max(cost / members * (1 - 4 * _U), self.level_hint[p]) - 2 * err
        low = [v for v in vals if v < start]  # with the zeros: they add nothing
        paid = math.fsum(low)
        poor = len(low) - (zeros if start > 0.0 else 0)
        last_poor = max(low) if poor else -math.inf
        if poor >= members:
            return self._exactly(p)
        level = (cost - paid) / (members - poor)
        # Paying all they have, these voters leave the others at least this level (exactly:
        # (cost - their exact money) / the others, and their exact money is at most paid +
        # poor x err).
        floor = (cost - paid - poor * err - (poor + 4) * _U * cost) / (members - poor)
        self.level_hint[p] = max(self.level_hint[p], floor)
        if cutoff is not None and floor / cost * (1 - 4 * _U) > cutoff:
            return _Priced(p, floor / cost * (1 - 4 * _U), math.inf)  # surely not the cheapest
        below = start
        while True:
            upper = level * 1.05
            pending = sorted([v for v in vals if below <= v < upper])
            if pending:
                sums = list(accumulate(pending))
                rich = members - poor
                spent = cost - paid

                def balance(j: int, sums=sums, pending=pending, rich=rich, spent=spent) -> float:
                    return pending[j] * (rich - j) + (sums[j - 1] if j else 0.0) - spent

                split = bisect_left(range(len(pending)), 0.0, key=balance)
                if split:
                    paid += sums[split - 1]
                    poor += split
                    last_poor = pending[split - 1]
                if split < len(pending):
                    first_rich = pending[split]
                    break
            if poor >= members:
                return self._exactly(p)
            level = (cost - paid) / (members - poor)
            if level < upper:
                first_rich = upper  # a lower bound of the smallest rich budget is enough
                break
            below = upper
        wrem = members - poor
        fq = (cost - paid) / wrem
        if not last_poor < fq <= first_rich:
            return self._exactly(p)  # the float split is inconsistent: never seen, but safe
        priced = self._priced(p, fq, wrem, members, poor, poor, last_poor, first_rich)
        self.level_hint[p] = max(self.level_hint[p], priced.fq - priced.delta)
        return priced

    def _priced(
        self,
        p: int,
        fq: float,
        rich_weight: int,
        members: int,
        poor_members: int,
        steps: int,
        last_poor: float,
        first_rich: float,
    ) -> _Priced:
        """Error bounds of a float level ``fq`` (see the class docstring)."""
        err = self.err
        cost = self.el.fC[p]
        e = err + 4.0 * _U * self.tf
        rounding = (steps + 4) * _U * cost
        tight = (poor_members * err + rounding) / rich_weight + 4 * _U * fq
        certified = last_poor + e < fq - tight and first_rich - e > fq + tight
        delta = tight if certified else members * err + rounding + 4 * _U * fq
        rho = fq / cost
        drho = delta / cost + 4 * _U * rho
        return _Priced(p, rho - drho, rho + drho, fq, delta, certified, members, rich_weight)

    def _exactly(self, p: int) -> _Priced | None:
        """Price ``p`` exactly (degenerate or tied cases)."""
        exact = self.exact_price(p, 0.0, math.inf)
        if exact is None:
            return None
        rho = exact[0] / self.el.C[p]
        value = float(rho)
        return _Priced(p, value * (1 - 4 * _U), value * (1 + 4 * _U), exact=exact)

    def make_exact(self, priced: _Priced) -> _Priced | None:
        if priced.exact is not None:
            return priced
        exact = self.exact_price(priced.p, priced.fq, priced.delta)
        if exact is None:
            return None
        value = float(exact[0] / self.el.C[priced.p])
        priced.exact = exact
        priced.lo, priced.hi = value * (1 - 4 * _U), value * (1 + 4 * _U)
        return priced

    # -- paying ----------------------------------------------------------------------------------
    def pay(self, priced: _Priced) -> None:
        """Fund ``priced.p``: poor supporters pay all they have, the others the level."""
        el = self.el
        fb = self.fb
        p = priced.p
        sup = self.sup[p]  # the same as el.sup[p] unless compacted (simple path: no weights)
        weights = el.sw[p] if el.sw is not None else None
        self.funded_round[p] = len(self.log)
        if priced.exact is None:
            q = None
            fq = priced.fq
            poor: list[int] = []
            poor_values: list[float] = []
            if weights is None:
                for g in sup:
                    v = fb[g]
                    if v:
                        if v < fq:
                            fb[g] = 0.0
                            poor.append(g)
                            poor_values.append(v)
                        else:
                            fb[g] = v - fq
            else:
                for g, w in zip(sup, weights, strict=True):
                    v = fb[g]
                    if v:
                        level = fq * w
                        if v < level:
                            fb[g] = 0.0
                            poor.append(g)
                            poor_values.append(v)
                        else:
                            fb[g] = v - level
            rich_weight = priced.rich_weight
            payers = priced.members
            error = priced.delta
        else:
            q, poor_exact, rich_exact = priced.exact
            qf = float(q)
            poor_set = set(poor_exact)
            gm = el.gm
            payers = 0
            for i, g in enumerate(sup):
                v = fb[g]
                if v:
                    payers += gm[g]
                if not v or g in poor_set:
                    continue
                w = weights[i] if weights else 1
                if g in rich_exact:
                    left = rich_exact[g] - q * w
                    fb[g] = float(left) if left else 0.0
                    if left and not fb[g]:
                        fb[g] = 5e-324  # keep "has money" visible to the float side
                else:
                    fb[g] = v - qf * w
            poor = list(poor_exact)
            poor_values = [fb[g] for g in poor]
            for g in poor:
                fb[g] = 0.0
            rich_weight = 0
            error = 2 * _U * qf
        r = len(self.log)
        zero_round = self.zero_round
        for g in poor:
            zero_round[g] = r
        if priced.exact is not None:
            for g in priced.exact[2]:
                if not fb[g]:
                    zero_round[g] = r
        paid_level = priced.fq if q is None else float(q)
        self.log.append(_Round(p, poor, poor_values, rich_weight, payers, q, self.err, paid_level))
        self.err += el.w_max * error + 4.0 * _U * self.tf
        if q is not None:
            self._set_level(p, q)
        if self.err > self.err_limit:
            self.catch_up()

    # -- one run ---------------------------------------------------------------------------------
    def run(self, reference: _RunResult | None = None) -> tuple[list[int], list[float], bool]:
        """Run MES to the end; ``reference`` asks for the jump certificate (see ``_Mes.add1``).

        Returns the funded sequence, an upper bound of each winner's price, and whether the
        certificate holds.
        """
        el = self.el
        heap = [((1.0 / el.W[p]) * (1 - 4 * _U), p) for p in el.eligible]
        heapq.heapify(heap)
        seq: list[int] = []
        highs: list[float] = []
        certified = reference is not None
        while heap:
            best_high = math.inf
            evaluated: list[_Priced] = []
            while heap and heap[0][0] <= best_high:
                _lb, p = heapq.heappop(heap)
                priced = self.evaluate(p, best_high if best_high < math.inf else None)
                if priced is None:
                    continue
                evaluated.append(priced)
                if priced.hi < best_high:
                    best_high = priced.hi
            if not evaluated:
                break
            contenders = [priced for priced in evaluated if priced.lo <= best_high]
            if len(contenders) == 1 and (contenders[0].certified or contenders[0].exact):
                winner = contenders[0]
            else:
                exact = [self.make_exact(priced) for priced in contenders]
                dropped = {
                    priced.p for priced, done in zip(contenders, exact, strict=True) if not done
                }
                evaluated = [priced for priced in evaluated if priced.p not in dropped]
                survivors = [priced for priced in exact if priced is not None]
                if not survivors:
                    for priced in evaluated:
                        heapq.heappush(heap, (max(0.0, priced.lo), priced.p))
                    continue
                winner = min(
                    survivors, key=lambda priced: (priced.level / el.C[priced.p], priced.p)
                )
            rest = [priced for priced in evaluated if priced is not winner]
            if certified:
                certified = self._certify(reference, len(seq), winner, rest, heap)
            for priced in rest:
                heapq.heappush(heap, (max(0.0, priced.lo), priced.p))
            self.pay(winner)
            seq.append(winner.p)
            highs.append(winner.hi)
        if certified and len(seq) != len(reference.seq):  # type: ignore[union-attr]
            certified = False
        return seq, highs, certified

    def _certify(
        self,
        reference: _RunResult | None,
        position: int,
        winner: _Priced,
        rest: list[_Priced],
        heap: list[tuple[float, int]],
    ) -> bool:
        """Does round ``position`` keep the reference's winner at every budget in between?

        With the same funded sequence, every voter's budget after each round is monotone in
        the per-voter budget, so every price is monotone (non-increasing). If at this (larger)
        budget every other project costs more than the reference winner did at the smaller
        budget, the winner beats them at every budget in between. Float bounds suffice: a
        failed certificate only costs a run.
        """
        if (
            reference is None
            or position >= len(reference.seq)
            or reference.seq[position] != winner.p
        ):
            return False
        bound = reference.rho_high[position]
        for priced in rest:
            if priced.lo <= bound:
                return False
        while heap and heap[0][0] <= bound:
            _lb, p = heapq.heappop(heap)
            priced = self.evaluate(p, bound)
            if priced is None:
                continue
            rest.append(priced)
            if priced.lo <= bound:
                return False
        return True


class _Mes:
    """MES over one election: single runs, the add1 search, and the detailed final run."""

    def __init__(self, election: _Election) -> None:
        election.prepare_mes()
        self.el = election
        self.D = election.D
        self.t0 = election.budget * self.D / election.n if election.n else Fraction(0)
        self.runs = 0
        self.cache: dict[int, _RunResult] = {}

    def t(self, k: int) -> Fraction:
        return self.t0 + k * self.D

    def run(self, k: int, reference: _RunResult | None = None) -> _RunResult:
        if reference is None and k in self.cache:
            return self.cache[k]
        self.runs += 1
        engine = _Engine(self.el, self.t(k))
        seq, highs, certified = engine.run(reference)
        cost = sum((self.el.cost[p] for p in seq), Fraction(0))
        result = _RunResult(k, seq, highs, cost, certified, engine)
        self.cache[k] = result
        return result

    def engine(self, k: int) -> _Engine:
        """The finished engine of step ``k`` (re-run if it was not kept)."""
        result = self.run(k)
        if result.engine is None:
            self.runs += 1
            result.engine = _Engine(self.el, self.t(k))
            result.engine.run()
        return result.engine

    def add1(self, *, jump: bool = True) -> int:
        """The step ``k`` (per-voter budget ``budget / n + k``) whose outcome add1 keeps.

        Steps run k = 0, 1, 2, ... until an outcome costs more than the budget; the previous
        one is kept; at most ``floor(budget)`` steps (pabutools' bound). Long stretches where
        nothing changes are skipped by galloping: after a few +1 steps with the same funded
        sequence, run ``k0 + d`` asking for a certificate that the sequence is the same at
        every step in between (:meth:`_Engine._certify`); ``d`` doubles on success, and a
        failure falls back to +1 steps. Only certified ranges are skipped, so the result is
        the +1 result.
        """
        el = self.el
        budget = el.budget
        k_max = math.floor(budget)
        if sum((el.cost[p] for p in el.eligible), Fraction(0)) <= budget:
            return k_max  # no outcome can overspend: pabutools stops at its bound
        k0 = 0
        current = self.run(0)
        stable = 0  # consecutive +1 steps with an unchanged funded sequence
        patience = 2  # stable steps needed before trying to gallop
        step = 4
        while k0 < k_max:
            if jump and stable >= patience and k0 + 2 <= k_max:
                k1 = min(k0 + step, k_max)
                candidate = self.run(k1, reference=current)
                if candidate.certified:
                    current.engine = None
                    k0, current = k1, candidate
                    step *= 2
                    continue
                candidate.engine = None
                stable = 0
                patience = min(2 * patience, 64)
                step = 4
            nxt = self.run(k0 + 1)
            if nxt.cost > budget:
                nxt.engine = None
                return k0
            stable = stable + 1 if nxt.seq == current.seq else 0
            current.engine = None
            k0, current = k0 + 1, nxt
        return k0


def equal_shares(
    *,
    projects: Mapping[str, Fraction | int],
    ballots: Sequence[Mapping[str, int]],
    budget: Fraction | int,
    completion: Completion = "add1",
    greedy_fill: bool = False,
    _jump: bool = True,
) -> MesResult:
    """The Method of Equal Shares with cost utilities, exactly (see the module docstring).

    ``completion="add1"`` raises every voter's share one currency unit at a time while the
    outcome fits the budget; ``None`` runs MES once with ``budget / n`` each. ``greedy_fill``
    then spends what is left greedily by votes.
    """
    if completion not in ("add1", None):
        raise ValueError(f"unknown completion {completion!r}")
    el = _Election(projects, ballots, budget)
    mes = _Mes(el)
    k = mes.add1(jump=_jump) if completion == "add1" and el.n else 0
    engine = mes.engine(k)
    seq = [entry.p for entry in engine.log]
    engine.catch_up()
    scale = el.D
    rounds = [
        MesRound(
            el.ids[p], el.cost[p], Fraction(0), el.supporters[p], 0, 0, Fraction(0), Fraction(0)
        )
        for p in el.free
    ]
    rounds.extend(_round_details(engine, r) for r in range(len(engine.log)))
    chosen = [*el.free, *seq]
    spent = sum((el.cost[p] for p in chosen), Fraction(0))
    filled = el.greedy(el.budget - spent, taken=chosen) if greedy_fill else []
    funded = set(chosen) | set(filled)
    not_funded: list[NotFunded] = []
    fb = engine.fb
    for p in el.greedy_order:
        if p in funded:
            continue
        money = (
            engine.exact_sum(g for g in el.sup[p] if fb[g]) / scale if p in el.eligible_set else 0
        )
        if el.cost[p] > el.budget:
            reason = "exceeds_budget"
        elif greedy_fill:
            reason = "over_budget"
        else:
            reason = "too_expensive_for_supporters"
        not_funded.append(NotFunded(el.ids[p], el.cost[p], el.votes[p], reason, Fraction(money)))
    return MesResult(
        selected=[el.ids[p] for p in chosen] + [el.ids[p] for p in filled],
        rounds=rounds,
        filled=[el.ids[p] for p in filled],
        not_funded=not_funded,
        completion_budget=mes.t(k) * el.n / scale,
        cost=spent + sum((el.cost[p] for p in filled), Fraction(0)),
        runs=mes.runs,
    )


def _round_details(engine: _Engine, r: int) -> MesRound:
    """Exact payments of round ``r`` of a finished, caught-up run."""
    el = engine.el
    entry = engine.log[r]
    p, q = entry.p, entry.q
    if q is None:
        raise RuntimeError("catch_up() first")
    poor_set = set(entry.poor)
    weights = el.sw[p] if el.sw is not None else [1] * len(el.sup[p])
    rich_weights = {
        w
        for g, w in zip(el.sup[p], weights, strict=True)
        if g not in poor_set and engine.zero_round[g] >= r
    }
    payments = [q * w for w in (min(rich_weights), max(rich_weights))] if rich_weights else []
    if entry.poor:
        e = 2.0 * entry.err + 4.0 * _U * engine.tf
        low, high = min(entry.poor_values), max(entry.poor_values)
        payments.extend(
            engine.exact_budget(g, before_round=r)
            for g, v in zip(entry.poor, entry.poor_values, strict=True)
            if v <= low + e or v >= high - e
        )
    return MesRound(
        project_id=el.ids[p],
        cost=el.cost[p],
        rho=q / el.C[p],
        supporters=el.supporters[p],
        payers=entry.payers,
        paid_all_they_had=sum(el.gm[g] for g in el.sup[p] if engine.zero_round[g] == r),
        min_payment=min(payments) / el.D,
        max_payment=max(payments) / el.D,
    )


def tally(*, instance: PbInstance, rule: RuleName) -> TallyResult:
    """Winners of a parsed election under ``greedy`` or ``mes`` (MES + add1, no fill)."""
    projects = {pid: project.cost for pid, project in instance.projects.items()}
    ballots = [vote.points for vote in instance.votes]
    if rule == "greedy":
        selected = greedy(projects=projects, ballots=ballots, budget=instance.budget)
    elif rule == "mes":
        selected = equal_shares(
            projects=projects, ballots=ballots, budget=instance.budget, completion="add1"
        ).selected
    else:
        raise ValueError(f"unknown rule {rule!r}")
    cost = sum((projects[pid] for pid in selected), Fraction(0))
    return TallyResult(selected=selected, rule=rule, cost=cost)
