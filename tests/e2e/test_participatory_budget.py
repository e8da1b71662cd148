"""A resident votes in Ukrainian with an eligibility code, without JavaScript: a choice
over budget is refused with a clear message, fixed, cast; the receipt is checked; the
results page of the closed budget shows both rules."""

from __future__ import annotations

import re

import pytest

from participation.demo import DEMO_CODES
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> None:
    """The accounts and the budget demo (the directory and its referrals are not read)."""
    from participation import demo as budget_demo
    from portal.demo import seed_demo

    seed_demo()
    budget_demo.seed()


def test_resident_votes_in_ukrainian(
    live_server: object, page_without_javascript: object, demo: None
) -> None:
    page = page_without_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/uk/participate/budget-2026/")
    assert page.locator("html").get_attribute("lang") == "uk"
    page.locator("a.button[href$='/vote/']").click()
    page.wait_for_url("**/uk/participate/budget-2026/vote/")
    page.fill("input[name=code]", DEMO_CODES[0].lower())
    page.get_by_label("Центр міста").check()  # the centre: 300 000 €
    page.locator("form button[type=submit]").click()

    # Everything in the centre costs 450 000 €: over the 300 000 € budget.
    for checkbox in page.locator("input[name=project]").all():
        checkbox.check()
    page.locator("form button[type=submit]").click()
    alert = page.locator("[role=alert]")
    assert alert.is_visible()
    message = alert.inner_text()
    assert re.search(r"[\u0400-\u04ff]", message), message  # in Ukrainian
    assert "450" in message and "300" in message

    page.locator("input[name=project]").nth(2).uncheck()  # drop the 150 000 € project
    page.locator("form button[type=submit]").click()
    assert page.locator("h1").is_visible()
    page.locator("button[name=step][value=cast]").click()
    receipt = page.locator(".receipt code").inner_text().strip()
    assert len(receipt) == 32

    page.goto(f"{base}/uk/participate/budget-2026/receipt/?receipt={receipt}")
    assert page.locator("[role=status]").is_visible()
    assert page.locator("main li").count() == 4


def test_results_show_both_rules(
    live_server: object, page_with_javascript: object, demo: None
) -> None:
    page = page_with_javascript
    page.goto(f"{live_server.url}/uk/participate/budget-2025/results/")  # type: ignore[attr-defined]
    table = page.locator("table.results-table").first
    assert table.is_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert len(headers) == 5
    cells = table.locator("tbody tr").all()
    funded_by_mes = [row for row in cells if "✔" in row.locator("td").nth(2).inner_text()]
    funded_by_greedy = [row for row in cells if "✔" in row.locator("td").nth(3).inner_text()]
    assert funded_by_mes and funded_by_greedy
    assert {row.inner_text() for row in funded_by_mes} != {
        row.inner_text() for row in funded_by_greedy
    }
    assert page.locator("svg.chart").count() == 1
    assert axe_violations(page) == []


def test_live_budget_counter_is_an_enhancement(
    live_server: object, page_with_javascript: object, demo: None
) -> None:
    page = page_with_javascript
    page.goto(f"{live_server.url}/fr/participate/budget-2026/vote/")  # type: ignore[attr-defined]
    page.fill("input[name=code]", DEMO_CODES[1])
    page.get_by_label("Centre-ville").check()
    page.locator("form button[type=submit]").click()
    from playwright.sync_api import expect

    counter = page.locator("#budget-counter")
    expect(counter).to_be_visible()  # shown by the script, once it has run
    page.locator("input[name=project]").nth(0).check()  # 120 000 €
    expect(counter).to_contain_text("120")
    assert "300" in counter.inner_text()
    for checkbox in page.locator("input[name=project]").all():
        checkbox.check()
    expect(counter).to_have_class("meta over-budget")
