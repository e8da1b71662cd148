"""Time our MES + add1 against its targets, and against pabutools on the same file.

    python benchmarks/pb_tally.py [--skip-pabutools] [--voters N] [--projects M] [--seed S]

Targets (see participation.tally.rules): Wieliczka 2023 (6,586 voters, 64 projects) in at most
1 s; a generated approval election of 100,000 voters x 200 projects in at most 10 s. Needs no
Django: it imports participation.tally only. pabutools (a test-only dependency) is timed on
Wieliczka with the same completion, ``exhaustion_by_budget_increase(budget_step=n,
exhaustive_stop=False)``; it takes minutes, hence --skip-pabutools.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from participation.tally import equal_shares, parse_pb  # noqa: E402

WIELICZKA = REPO.parent / "shared" / "reference" / "pabulib" / "poland_wieliczka_2023.pb"


def generate(
    *, voters: int, projects: int, seed: int
) -> tuple[dict[str, Fraction], list[dict[str, int]], Fraction]:
    """A seeded city-sized approval election.

    Costs are log-uniform between 10,000 and 1,000,000 (rounded to 100), popularity is
    log-normal (a few projects draw several times the average), each voter approves 3 to 12
    projects, and the budget is 100 per voter (10,000,000 for 100,000 voters).
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible benchmark, not a secret
    ids = [str(i + 1) for i in range(projects)]
    low, high = math.log(10_000), math.log(1_000_000)
    costs = {pid: Fraction(round(math.exp(rng.uniform(low, high)), -2)) for pid in ids}
    weights = [rng.lognormvariate(0, 0.8) for _ in ids]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    ballots = []
    for _ in range(voters):
        size = min(rng.randint(3, 12), projects)
        chosen: set[str] = set()
        while len(chosen) < size:
            chosen.update(rng.choices(ids, cum_weights=cumulative, k=size - len(chosen)))
        ballots.append(dict.fromkeys(chosen, 1))
    return costs, ballots, Fraction(100 * voters)


def timed(label: str, function: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.3f} s")
    return value, seconds


def pabutools_wieliczka() -> tuple[list[str], float] | None:
    try:
        from pabutools.election import Cost_Sat, parse_pabulib
        from pabutools.rules import method_of_equal_shares
        from pabutools.rules.exhaustion import exhaustion_by_budget_increase
    except ImportError:
        print("pabutools: not installed, skipped (pip install pabutools==1.2.3)")
        return None
    instance, profile = parse_pabulib(str(WIELICZKA))

    def run() -> list[str]:
        outcome = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            rule_params={"sat_class": Cost_Sat},
            budget_step=profile.num_ballots(),
            exhaustive_stop=False,
        )
        return sorted(project.name for project in outcome)

    return timed("pabutools MES+add1 on Wieliczka", run)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-pabutools", action="store_true")
    parser.add_argument("--voters", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)

    instance = parse_pb(WIELICZKA.read_text(encoding="utf-8"))
    projects = {pid: project.cost for pid, project in instance.projects.items()}
    ballots = [vote.points for vote in instance.votes]
    result, ours = timed(
        "ours MES+add1 on Wieliczka (target <= 1 s)",
        lambda: equal_shares(projects=projects, ballots=ballots, budget=instance.budget),
    )
    official = sorted(pid for pid, p in instance.projects.items() if p.extra.get("selected") == "1")
    print(
        f"  {len(result.selected)} projects, {result.cost} PLN, {result.runs} MES runs, "
        f"official outcome: {'yes' if sorted(result.selected) == official else 'NO'}"
    )

    (costs, generated, budget), _ = timed(
        f"generating {args.voters:,} voters x {args.projects} projects",
        lambda: generate(voters=args.voters, projects=args.projects, seed=args.seed),
    )
    big, big_seconds = timed(
        f"ours MES+add1 on {args.voters:,} x {args.projects} (target <= 10 s)",
        lambda: equal_shares(projects=costs, ballots=generated, budget=budget),
    )
    print(
        f"  {len(big.selected)} projects, {float(big.cost):,.0f} of {float(budget):,.0f}, "
        f"{big.runs} MES runs, virtual budget {float(big.completion_budget):,.0f}"
    )

    if not args.skip_pabutools:
        theirs = pabutools_wieliczka()
        if theirs is not None:
            selected, seconds = theirs
            same = "same outcome" if selected == sorted(result.selected) else "DIFFERENT outcome"
            print(f"  {same}; pabutools / ours = {seconds / ours:.0f}x")
    ok = ours <= 1.0 and big_seconds <= 10.0
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
