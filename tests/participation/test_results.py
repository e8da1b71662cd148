"""The count: greedy and MES per district, re-runnable, published with explanations,
and exported as a pabulib file that recomputes to the same winners."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from participation import actions
from participation.models import Phase, TallyResult
from participation.tally import pabulib, rules
from participation.tasks import process_tally_task
from tests.factories.participation import DistrictFactory, ProjectFactory, make_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():  # type: ignore[no-untyped-def]
    """A majority that wants the two big projects, a minority that wants two small ones:
    greedy gives everything to the majority, MES funds the minority too."""
    district = DistrictFactory(budget=Decimal(100_000), slug="city")
    big = [ProjectFactory(district=district, estimated_cost=Decimal(50_000)) for _index in range(2)]
    small = [
        ProjectFactory(district=district, estimated_cost=Decimal(20_000)) for _index in range(2)
    ]
    process = district.process
    voters = [(60, {big[0].pk: 1, big[1].pk: 1}), (40, {small[0].pk: 1, small[1].pk: 1})]
    for count, choices in voters:
        for code in make_codes(process, count):
            actions.ballot_cast(process=process, district=district, code=code, choices=choices)
    process.phase = Phase.RESULTS
    process.save()
    return process, district, big, small


def test_greedy_and_mes_differ_and_are_stored(counted) -> None:  # type: ignore[no-untyped-def]
    process, district, big, small = counted
    actions.process_tally(process=process)
    greedy = TallyResult.objects.get(district=district, rule="greedy")
    mes = TallyResult.objects.get(district=district, rule="mes")
    assert set(greedy.selected) == {big[0].pk, big[1].pk}
    assert {small[0].pk, small[1].pk} <= set(mes.selected)
    assert greedy.ballot_count == mes.ballot_count == 100
    assert mes.cost <= district.budget
    explanation = mes.details["explanation"]["projects"]
    assert explanation[str(small[0].pk)]["payers"] == 40


def test_tally_task_run_twice_gives_the_same_results(counted) -> None:  # type: ignore[no-untyped-def]
    process, _district, _big, _small = counted
    process_tally_task.run(process.pk)
    first = list(TallyResult.objects.order_by("rule").values_list("rule", "selected", "cost"))
    process_tally_task.run(process.pk)
    second = list(TallyResult.objects.order_by("rule").values_list("rule", "selected", "cost"))
    assert first == second and len(first) == 2


def test_results_page_shows_both_rules_and_explains(client: Client, counted) -> None:  # type: ignore[no-untyped-def]
    process, _district, _big, _small = counted
    actions.process_tally(process=process)
    page = client.get(f"/en/participate/{process.slug}/results/").content.decode()
    assert "Equal shares" in page and "Most votes" in page
    assert "Funded by 40 supporters" in page
    assert "Not funded" in page
    assert "<svg" in page
    assert f"/en/participate/{process.slug}/results/city.pb" in page


def test_results_are_not_public_before_the_vote_closes(client: Client) -> None:
    district = DistrictFactory()
    assert client.get(f"/en/participate/{district.process.slug}/results/").status_code == 404


def test_pb_export_recomputes_to_the_same_winners(client: Client, counted, capsys) -> None:  # type: ignore[no-untyped-def]
    process, district, _big, _small = counted
    actions.process_tally(process=process)
    call_command("pb_export", process.slug)
    exported = capsys.readouterr().out
    instance = pabulib.parse_pb(exported)
    assert len(instance.votes) == 100
    for rule in ("greedy", "mes"):
        stored = TallyResult.objects.get(district=district, rule=rule)
        recomputed = rules.tally(instance=instance, rule=rule)
        assert sorted(int(pk) for pk in recomputed.selected) == sorted(stored.selected), rule
    download = client.get(f"/fr/participate/{process.slug}/results/city.pb")
    assert download.status_code == 200
    assert download.content.decode() == exported


def test_chart_bars_grow_from_the_right_in_right_to_left_pages(client: Client, counted) -> None:  # type: ignore[no-untyped-def]
    process, _district, _big, _small = counted
    actions.process_tally(process=process)
    arabic = client.get(f"/ar/participate/{process.slug}/results/").content.decode()
    french = client.get(f"/fr/participate/{process.slug}/results/").content.decode()
    assert 'transform="translate(100 0) scale(-1 1)"' in arabic
    assert "scale(-1 1)" not in french
