"""Referral statistics for the city: small cells hidden so none can be worked out from the
totals, the same table as CSV, and a chart that draws no hidden figure."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from services import actions
from services.models import Referral
from tests.factories.services import ServiceFactory, TaxonomyTermFactory
from tests.services.conftest import refer

pytestmark = pytest.mark.django_db


def make(network, service, need, outcome: str, count: int) -> None:  # type: ignore[no-untyped-def]
    receiver = network.caseworker_b if service.organisation == network.b else network.caseworker_a
    for _index in range(count):
        referral = refer(network, service=service, need=need)
        if outcome == "declined":
            actions.referral_transition(
                referral_id=referral.pk, user=receiver, move="decline", decline_reason="full"
            )
        elif outcome == "completed":
            actions.referral_transition(referral_id=referral.pk, user=receiver, move="accept")
            actions.referral_transition(referral_id=referral.pk, user=receiver, move="complete")


@pytest.fixture
def figures(network):  # type: ignore[no-untyped-def]
    housing = TaxonomyTermFactory(code="housing", name_fr="Logement", name_en="Housing")
    health = network.need
    # One cell of 3: (housing, completed).
    make(network, network.service_b, housing, "completed", 3)
    make(network, network.service_b, housing, "declined", 14)
    make(network, network.service_b, health, "completed", 15)
    make(network, network.service_b, health, "declined", 12)
    refer(network, send=False)  # a draft: never counted
    return network


def csv_tables(text: str) -> dict[str, list[list[str]]]:
    tables: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if row[-1] == "total" and row[0] in {"month", "need", "service"}:
            current = tables.setdefault(row[0], [row])
        else:
            current.append(row)
    return tables


def assert_not_derivable(table: list[list[str]]) -> None:
    """No row or column has exactly one hidden cell next to a shown total."""
    body = table[1:]
    for row in body:
        cells, total = row[1:-1], row[-1]
        if cells.count("<11") == 1:
            assert total == "<11", row
    for index in range(1, len(table[0]) - 1):
        column = [row[index] for row in body[:-1]]
        if column.count("<11") == 1:
            assert body[-1][index] == "<11", (table[0][index], column)


def test_a_cell_of_three_cannot_be_worked_out(figures) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(figures.city_admin)
    response = client.get("/fr/caseworker/statistics/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    tables = csv_tables(response.content.decode())
    need = tables["need"]
    header = need[0]
    housing = next(row for row in need if row[0] == "Logement")
    assert housing[header.index("completed")] == "<11"  # the 3
    assert housing[header.index("declined")] == "<11"  # hidden too, or 17 - 14 = 3
    for table in tables.values():
        assert_not_derivable(table)
    assert "3" not in {cell for row in need[1:] for cell in row[1:]}


def test_drafts_are_not_counted_and_the_page_shows_the_tables(figures) -> None:  # type: ignore[no-untyped-def]
    from services.selectors import referral_statistics

    assert referral_statistics()["need"].total == 44
    assert Referral.objects.count() == 45
    client = Client()
    client.force_login(figures.city_admin)
    page = client.get("/fr/caseworker/statistics/").content.decode()
    assert "Par besoin" in page or "By need" in page
    assert "&lt;11" in page


def test_the_chart_draws_hidden_cells_as_outlines_only(figures) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(figures.city_admin)
    response = client.get("/fr/caseworker/statistics/chart.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own output
    titles = [element.text or "" for element in root.iter("{http://www.w3.org/2000/svg}title")]
    assert titles[0]  # the chart has a title for screen readers
    # Every month's cells: 44 referrals in one month → completed 18, declined 26 shown.
    assert any(title.endswith(": 18") for title in titles)
    assert any(title.endswith(": 26") for title in titles)


def test_service_rows_name_the_service_and_organisation(figures) -> None:  # type: ignore[no-untyped-def]
    from services.selectors import referral_statistics

    other = ServiceFactory(organisation=figures.a, name_fr="Autre")
    make(figures, other, None, "declined", 2)
    table = referral_statistics()["service"]
    assert any("Accueil A" in row for row in table.rows)
    row = next(row for row in table.rows if row.startswith("Autre"))
    assert table.cell(row, "declined") is None  # 2 → "<11"
