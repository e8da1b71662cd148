"""One code, one ballot; the ballot follows the rules; a refused ballot changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from participation import actions
from participation.models import Ballot, BallotType, EligibilityCode, Phase, RedeemedCode
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot_setup():  # type: ignore[no-untyped-def]
    district = DistrictFactory(budget=Decimal(100_000))
    projects = [
        ProjectFactory(district=district, estimated_cost=Decimal(cost))
        for cost in (60_000, 30_000, 20_000, 50_000)
    ]
    (code,) = make_codes(district.process, 1)
    return district.process, district, projects, code


def unchanged(process) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return (
        Ballot.objects.filter(process=process).count(),
        RedeemedCode.objects.count(),
        EligibilityCode.objects.filter(process=process, is_used=True).count(),
    )


def test_cast_counts_once_and_gives_a_receipt(ballot_setup) -> None:  # type: ignore[no-untyped-def]
    process, district, projects, code = ballot_setup
    cast = actions.ballot_cast(
        process=process,
        district=district,
        code=code,
        choices={projects[0].pk: 1, projects[1].pk: 1},
    )
    assert len(cast.receipt.replace("-", "")) == 26
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices.values_list("proposal_id", flat=True)) == sorted(
        [projects[0].pk, projects[1].pk]
    )
    assert actions.receipt_check(process=process, receipt=cast.receipt) == ballot
    assert actions.receipt_check(process=process, receipt=cast.receipt.lower()) == ballot
    assert actions.receipt_check(process=process, receipt="AAAA-" * 6 + "AA") is None
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_cast(
            process=process, district=district, code=code, choices={projects[2].pk: 1}
        )
    assert refused.value.code == "used"
    assert unchanged(process) == (1, 1, 1)


def test_code_typed_loosely_still_works(ballot_setup) -> None:  # type: ignore[no-untyped-def]
    process, district, projects, code = ballot_setup
    typed = code.replace("-", " ").lower()
    actions.ballot_cast(process=process, district=district, code=typed, choices={projects[1].pk: 1})
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize(
    ("choices_index", "reason"),
    [((0, 3), "over_budget"), ((), "too_few")],
)
def test_ballot_against_the_rules_is_refused_and_the_code_stays_unused(
    ballot_setup,
    choices_index: tuple[int, ...],
    reason: str,  # type: ignore[no-untyped-def]
) -> None:
    process, district, projects, code = ballot_setup
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_cast(
            process=process,
            district=district,
            code=code,
            choices={projects[index].pk: 1 for index in choices_index},
        )
    assert refused.value.code == reason
    assert unchanged(process) == (0, 0, 0)
    if reason == "over_budget":
        assert "110" in refused.value.message and "100" in refused.value.message


def test_max_projects_and_minimum_share(ballot_setup) -> None:  # type: ignore[no-untyped-def]
    process, district, projects, _code = ballot_setup
    process.max_projects = 1
    process.min_budget_share = 50
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_check(
            process=process, district=district, choices={projects[1].pk: 1, projects[2].pk: 1}
        )
    assert refused.value.code == "too_many"
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_check(process=process, district=district, choices={projects[2].pk: 1})
    assert refused.value.code == "too_little"
    assert actions.ballot_check(process=process, district=district, choices={projects[0].pk: 1})


def test_unknown_malformed_and_closed(ballot_setup) -> None:  # type: ignore[no-untyped-def]
    process, district, projects, code = ballot_setup
    for typed, reason in (("not a code", "malformed"), ("A" * 26, "unknown_code")):
        with pytest.raises(actions.BallotRefused) as refused:
            actions.ballot_cast(
                process=process, district=district, code=typed, choices={projects[1].pk: 1}
            )
        assert refused.value.code == reason
    process.phase = Phase.RESULTS
    process.save()
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_cast(
            process=process, district=district, code=code, choices={projects[1].pk: 1}
        )
    assert refused.value.code == "closed"
    assert unchanged(process) == (0, 0, 0)


def test_project_of_another_district_is_refused(ballot_setup) -> None:  # type: ignore[no-untyped-def]
    process, district, _projects, code = ballot_setup
    elsewhere = ProjectFactory(district=DistrictFactory(process=process))
    with pytest.raises(actions.BallotRefused) as refused:
        actions.ballot_cast(
            process=process, district=district, code=code, choices={elsewhere.pk: 1}
        )
    assert refused.value.code == "unknown"


def test_cumulative_points_rules() -> None:
    district = DistrictFactory(
        process__ballot_type=BallotType.CUMULATIVE,
        process__max_points_per_project=3,
        process__max_points_total=7,
    )
    projects = ProjectFactory.create_batch(4, district=district)
    process = district.process
    ok = {projects[0].pk: 3, projects[1].pk: 3, projects[2].pk: 1}
    assert actions.ballot_check(process=process, district=district, choices=ok)
    for choices, reason in (
        ({projects[0].pk: 4}, "points"),
        ({projects[0].pk: 3, projects[1].pk: 3, projects[2].pk: 2}, "too_many_points"),
    ):
        with pytest.raises(actions.BallotRefused) as refused:
            actions.ballot_check(process=process, district=district, choices=choices)
        assert refused.value.code == reason
