"""A reader answers the checklist in Arabic and downloads the form; a caseworker issues an
attestation; anyone verifies its code — all without JavaScript."""

from __future__ import annotations

import re

import pytest

from tests.second_factor import browser_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_checklist_attestation_and_verification(
    live_server: object, page_without_javascript: object
) -> None:
    from django.apps import apps

    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role, sync_role_permissions

    sync_role_permissions(apps)
    page = page_without_javascript
    base = live_server.url  # type: ignore[attr-defined]

    page.goto(f"{base}/ar/register/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("input[name=housing][value=none]").check()
    page.locator("input[name=documents][value=association]").check()
    page.locator("input[name=children][value=no]").check()
    page.locator("input[name=months][value='3to12']").check()
    page.locator("form.questionnaire button[type=submit]").click()
    link = page.locator("a[href*='request-form.pdf']")
    assert link.is_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")

    organisation = account_actions.organisation_create(
        name="Accueil", slug="accueil", is_accredited=True
    )
    caseworker = account_actions.user_create(
        username="worker", password="a-long-test-password-1", notify=False
    )
    account_actions.membership_create(
        user=caseworker, organisation=organisation, role=Role.CASEWORKER
    )
    browser_log_in(page, base, "worker", "/fr/register/counter/")
    page.fill("input[name=display_name]", "Samira")
    page.fill("input[name=birth_year]", "1994")
    page.fill("input[name=address]", "CCAS, 14 avenue de la République")
    page.select_option("select[name=route]", "domiciliation")
    page.locator("input[name=evidence][value=association]").check()
    page.select_option("select[name=person_language]", "ar")
    page.locator("form:has(input[value=issue]) button[type=submit]").click()
    code = page.locator(".receipt code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7-]{32}", code)

    anyone = page.context.browser.new_context(java_script_enabled=False)  # type: ignore[union-attr]
    visitor = anyone.new_page()
    visitor.goto(f"{base}/es/register/verify/?code={code}")
    status = visitor.locator("[role=status]").first.inner_text()
    assert "Samira" not in visitor.content()
    assert status.strip()
    anyone.close()
