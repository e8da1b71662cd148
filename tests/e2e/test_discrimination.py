"""A reader in Persian reports discrimination at a public office, keeps the follow-up
code, an officer answers in Persian, the reader reads the answer with the code. The
reader's browser runs no JavaScript and keeps no cookie from the portal."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.second_factor import browser_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCOUNT = "کارمند باجه گفت بدون مدارک فرانسوی اینجا جایی ندارید و پرونده‌ام را نگرفت."
ANSWER = "از گزارش شما سپاسگزاریم. سه‌شنبه صبح بدون وقت قبلی به دفتر ما بیایید."


def test_persian_reader_reports_keeps_the_code_and_reads_the_answer(
    live_server: object, browser: object, page_with_javascript: object
) -> None:
    from django.apps import apps
    from django.contrib.auth.models import Group
    from django.core.cache import cache

    from discrimination.models import Report
    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role, sync_role_permissions
    from tests.factories.hsds import LocationFactory, ServiceAtLocationFactory
    from tests.factories.services import ServiceFactory

    cache.clear()
    sync_role_permissions(apps)
    base = live_server.url  # type: ignore[attr-defined]
    office = account_actions.organisation_create(name="Maison de l'égalité", slug="egalite")
    town_hall = account_actions.organisation_create(name="Mairie", slug="mairie")
    officer = account_actions.user_create(
        username="equality", password="a-long-test-password-1", notify=False
    )
    officer.groups.add(Group.objects.get(name=Role.DISCRIMINATION_OFFICER))
    account_actions.membership_create(user=officer, organisation=office, role=Role.CASEWORKER)
    counter = ServiceFactory(
        organisation=town_hall, name_fr="Guichet des titres de séjour", name_fa="باجه اقامت"
    )
    place = LocationFactory(organisation=town_hall, latitude=45.1885, longitude=5.7245)
    ServiceAtLocationFactory(service=counter, location=place)

    reader_context = browser.new_context(java_script_enabled=False, locale="fa-IR")  # type: ignore[attr-defined]
    reader = reader_context.new_page()
    reader.goto(f"{base}/fa/services/{counter.pk}/")
    reader.locator(f"a[href='/fa/guide/report/?service={counter.pk}']").click()
    reader.wait_for_url("**/fa/guide/report/**")
    assert reader.locator("html").get_attribute("dir") == "rtl"
    assert reader.locator("select[name=service]").input_value() == str(counter.pk)
    reader.locator("input[name=category][value=public_service]").check()
    reader.locator("input[name=ground][value=papers]").check()
    reader.fill("textarea[name=account]", ACCOUNT)
    reader.locator("form.report-form button[type=submit]").click()
    reader.wait_for_load_state()
    code = reader.locator(".receipt code").inner_text().strip()
    assert len(code.replace("-", "")) == 26
    assert reader_context.cookies() == []

    report = Report.objects.get()
    assert (report.language, report.service_id, report.neighbourhood) == (
        "fa",
        counter.pk,
        "centre",
    )

    officer_page = page_with_javascript  # axe-core needs JavaScript; the page does not
    browser_log_in(officer_page, base, "equality", "/fr/office/")
    officer_page.locator(f"a[href='/fr/office/reports/{report.pk}/']").click()  # type: ignore[attr-defined]
    officer_page.wait_for_url(f"**/fr/office/reports/{report.pk}/")  # type: ignore[attr-defined]
    assert ACCOUNT in officer_page.content()  # type: ignore[attr-defined]
    assert axe_violations(officer_page) == []
    officer_page.fill("#answer-text", ANSWER)  # type: ignore[attr-defined]
    officer_page.select_option("form:has(#answer-text) select[name=language]", "fa")  # type: ignore[attr-defined]
    officer_page.locator("form:has(#answer-text) button[type=submit]").click()  # type: ignore[attr-defined]
    officer_page.wait_for_load_state()  # type: ignore[attr-defined]
    assert ANSWER in officer_page.content()  # type: ignore[attr-defined]

    reader.goto(f"{base}/fa/guide/report/follow-up/")
    reader.fill("input[name=code]", code.lower())
    reader.locator("form button[type=submit]").click()
    reader.wait_for_load_state()
    answer = reader.locator("article.answer p")
    assert answer.inner_text().strip() == ANSWER
    assert answer.get_attribute("lang") == "fa"
    assert ACCOUNT not in reader.content()  # the account is not shown back to the code
    assert reader_context.cookies() == []
    reader_context.close()

    # The public pages pass axe too, in Persian.
    officer_page.goto(f"{base}/fa/guide/report/")  # type: ignore[attr-defined]
    assert axe_violations(officer_page) == []
    officer_page.goto(f"{base}/fa/guide/observatory/")  # type: ignore[attr-defined]
    assert axe_violations(officer_page) == []
