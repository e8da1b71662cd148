"""Journeys of the reference document's storytelling exercise, across modules, each in
another language, without JavaScript where the reader would have none.

- A foreign student looking for work (English): the guide's article on students'
  part-time work → the services for work → a service's page → the council's next
  meeting, into the phone's calendar.
- A local councillor of migrant background (Arabic): the council's recommendation
  tracker → one answered recommendation → the participatory budget's results and the
  explanation of the Method of Equal Shares.
- A young man recently arrived without documents (Persian): the questionnaire → a
  clinic that asks no documents, open now → the registration checklist → a residence
  attestation at an accredited counter, which releases an eligibility code → his
  ballot in the participatory budget → the check of his receipt.
"""

from __future__ import annotations

import datetime
import re

import pytest
from icalendar import Calendar

from tests.e2e.conftest import axe_violations
from tests.second_factor import browser_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city() -> None:
    """The guide, the council and the budgets of the demo, and one employment service."""
    from participation import demo as participation_demo
    from rights_guide import demo as guide_demo
    from services import search
    from services.models import Schedule
    from tests.factories.services import ServiceFactory, TaxonomyTermFactory

    guide_demo.seed()
    participation_demo.seed()
    work = TaxonomyTermFactory(code="work", name_fr="Travail", name_en="Work")
    service = ServiceFactory(
        name_fr="Point emploi jeunes",
        name_en="Youth job point",
        description_en="Help with a CV and with finding student jobs; no documents asked.",
        no_documents_required=True,
    )
    service.needs.add(work)
    health = TaxonomyTermFactory(code="health", name_fr="Soins de santé", name_fa="بهداشت")
    clinic = ServiceFactory(
        name_fr="Centre de santé sans rendez-vous",
        name_fa="مرکز درمانی بدون نوبت",
        no_documents_required=True,
    )
    clinic.needs.add(health)
    papers = ServiceFactory(name_fr="Cabinet médical", no_documents_required=False)
    papers.needs.add(health)
    for open_service in (clinic, papers):  # 00:00 to 00:00: open whenever the test runs
        Schedule.objects.create(
            service=open_service, freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at=datetime.time(0, 0), closes_at=datetime.time(0, 0),
        )  # fmt: skip
    search.reindex()
    search.vocabulary_rebuild()


def test_a_foreign_student_looking_for_work(
    live_server: object, page_with_javascript: object, city: None
) -> None:
    page = page_with_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/en/guide/work/foreign-students-part-time-work/")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "en"  # type: ignore[attr-defined]
    page.locator("#services-title + ul a[href*='need=work']").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/en/services/?need=work")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Youth job point").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/en/services/[0-9a-f-]{36}/$"))  # type: ignore[attr-defined]
    assert "no documents asked" in page.content()  # type: ignore[attr-defined]
    assert axe_violations(page) == []

    page.goto(f"{base}/en/participate/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Council of foreign residents").first.click()  # type: ignore[attr-defined]
    page.locator("#upcoming-title + ul a").first.click()  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Work and training"  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.locator("a[href$='.ics']").click()  # type: ignore[attr-defined]
    with open(download.value.path(), "rb") as ics:
        (event,) = Calendar.from_ical(ics.read()).walk("VEVENT")
    assert str(event["summary"]) == "Work and training"


def test_a_councillor_follows_recommendations_then_the_budget(
    live_server: object, page_without_javascript: object, city: None
) -> None:
    page = page_without_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/ar/participate/")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    page.get_by_role("link", name="مجلس المقيمين الأجانب").first.click()  # type: ignore[attr-defined]
    page.locator("a[href$='/recommendations/']").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/ar/participate/council/*/recommendations/")  # type: ignore[attr-defined]
    page.locator("a[href$='?status=declined']").first.click()  # type: ignore[attr-defined]
    rows = page.locator("tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == 1
    rows.first.locator("a").click()
    page.wait_for_url(re.compile(r".*/recommendations/\d+/$"))  # type: ignore[attr-defined]
    answer = page.locator(".answer").inner_text()  # type: ignore[attr-defined]
    assert "CCAS" in answer  # the city's written answer (in French: no Arabic yet)
    assert page.locator(".fallback-notice").count() >= 1  # type: ignore[attr-defined]

    page.goto(f"{base}/ar/participate/budget-2025/")  # type: ignore[attr-defined]
    page.locator("a.button[href$='/results/']").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/ar/participate/budget-2025/results/")  # type: ignore[attr-defined]
    body = page.content()  # type: ignore[attr-defined]
    assert "طريقة الحصص المتساوية" in body  # the Method of Equal Shares, explained


def test_a_young_man_without_documents_from_the_guide_to_his_ballot(
    live_server: object, browser: object, page_without_javascript: object, city: None
) -> None:
    from django.apps import apps

    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role, sync_role_permissions

    page = page_without_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/fa/guide/questions/")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    page.locator("input[name=situation][value=newly-arrived-without-documents]").check()  # type: ignore[attr-defined]
    page.locator("input[name=children][value=no]").check()  # type: ignore[attr-defined]
    page.locator("input[name=health][value=yes]").check()  # type: ignore[attr-defined]
    page.locator("input[name=housing][value=temporary]").check()  # type: ignore[attr-defined]
    page.locator("form.questionnaire button[type=submit]").click()  # type: ignore[attr-defined]
    page.locator("a[href$='/services/?need=health']").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/fa/services/?need=health")  # type: ignore[attr-defined]
    page.locator("input[name=no_documents_required]").check()  # type: ignore[attr-defined]
    page.locator("input[name=open_now]").check()  # type: ignore[attr-defined]
    page.locator("form.directory-search > button[type=submit]").click()  # type: ignore[attr-defined]
    results = page.locator(".services-list > li")  # type: ignore[attr-defined]
    assert results.count() == 1
    results.first.locator("h3 a").click()
    assert page.locator("h1").inner_text() == "مرکز درمانی بدون نوبت"  # type: ignore[attr-defined]

    page.goto(f"{base}/fa/register/")  # type: ignore[attr-defined]
    page.locator("input[name=housing][value=none]").check()  # type: ignore[attr-defined]
    page.locator("input[name=documents][value=association]").check()  # type: ignore[attr-defined]
    page.locator("input[name=children][value=no]").check()  # type: ignore[attr-defined]
    page.locator("input[name=months][value='3to12']").check()  # type: ignore[attr-defined]
    page.locator("form.questionnaire button[type=submit]").click()  # type: ignore[attr-defined]
    assert page.locator("a[href*='request-form.pdf']").is_visible()  # type: ignore[attr-defined]

    # At the counter of an accredited association: the caseworker's own browser.
    sync_role_permissions(apps)
    association = account_actions.organisation_create(
        name="Accueil solidaire", slug="accueil-solidaire", is_accredited=True
    )
    worker = account_actions.user_create(
        username="counter-worker", password="a-long-test-password-1", notify=False
    )
    account_actions.membership_create(user=worker, organisation=association, role=Role.CASEWORKER)
    counter_context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    counter = counter_context.new_page()
    browser_log_in(counter, base, "counter-worker", "/fr/register/counter/")
    counter.fill("input[name=display_name]", "Reza")
    counter.fill("input[name=birth_year]", "2004")
    counter.fill("input[name=address]", "Accueil solidaire, 3 rue des Alpes")
    counter.select_option("select[name=route]", "domiciliation")
    counter.locator("input[name=evidence][value=association]").check()
    counter.select_option("select[name=person_language]", "fa")
    counter.locator("form:has(input[value=issue]) button[type=submit]").click()
    counter.select_option("select#process", label="Budget participatif 2026")
    counter.locator("button[name=action][value=release]").click()
    eligibility = counter.locator("p.notice code").inner_text().strip()
    counter_context.close()

    # His ballot, with that code, in Persian.
    page.goto(f"{base}/fa/participate/budget-2026/vote/")  # type: ignore[attr-defined]
    page.fill("input[name=code]", eligibility)  # type: ignore[attr-defined]
    page.locator("input[name=district]").first.check()  # type: ignore[attr-defined]
    page.locator("form button[type=submit]").click()  # type: ignore[attr-defined]
    page.locator("input[name=project]").first.check()  # type: ignore[attr-defined]
    page.locator("form button[type=submit]").click()  # type: ignore[attr-defined]
    page.locator("button[name=step][value=cast]").click()  # type: ignore[attr-defined]
    receipt = page.locator(".receipt code").inner_text().strip()  # type: ignore[attr-defined]
    assert len(receipt) == 32
    page.goto(f"{base}/fa/participate/budget-2026/receipt/?receipt={receipt}")  # type: ignore[attr-defined]
    assert page.locator("[role=status]").is_visible()  # type: ignore[attr-defined]
    # The code was for one ballot: a second try is refused.
    page.goto(f"{base}/fa/participate/budget-2026/vote/")  # type: ignore[attr-defined]
    page.fill("input[name=code]", eligibility)  # type: ignore[attr-defined]
    page.locator("input[name=district]").first.check()  # type: ignore[attr-defined]
    page.locator("form button[type=submit]").click()  # type: ignore[attr-defined]
    assert page.locator("[role=alert]").count() >= 1  # type: ignore[attr-defined]
