"""A caseworker refers a person (by card code) from a service page; the receiving
organisation accepts; the sender sees the outcome. No JavaScript on the portal's side."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations
from tests.second_factor import browser_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_refer_accept_and_see_the_outcome(
    live_server: object, browser: object, page_with_javascript: object
) -> None:
    from django.apps import apps

    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role, sync_role_permissions
    from tests.factories.services import ServiceFactory, TaxonomyTermFactory

    sync_role_permissions(apps)
    base = live_server.url  # type: ignore[attr-defined]
    desk = account_actions.organisation_create(name="Accueil", slug="accueil")
    clinic = account_actions.organisation_create(name="Centre de santé", slug="clinic")
    for username, organisation, language in (("desk", desk, "fr"), ("clinic", clinic, "ar")):
        user = account_actions.user_create(
            username=username,
            password="a-long-test-password-1",
            preferred_language=language,
            notify=False,
        )
        account_actions.membership_create(
            user=user, organisation=organisation, role=Role.CASEWORKER
        )
    service = ServiceFactory(
        organisation=clinic, name_fr="Consultations sans rendez-vous", name_ar="استشارات"
    )
    service.needs.add(TaxonomyTermFactory(code="health", name_fr="Santé"))

    sender_context = browser.new_context(java_script_enabled=False, locale="fr-FR")  # type: ignore[attr-defined]
    sender = sender_context.new_page()
    browser_log_in(sender, base, "desk", f"/fr/services/{service.pk}/")
    sender.get_by_role("link", name="Orienter une personne vers ce service").click()
    sender.wait_for_url("**/fr/caseworker/referrals/new/**")
    sender.locator("input[name=consent][value=given]").check()
    sender.locator("input[name=contact_channel][value=caseworker]").check()
    sender.select_option("select[name=contact_language]", "ti")
    sender.fill("textarea[name=note]", "Besoin d'un interprète en tigrigna")
    sender.locator("button[name=submit][value=send]").click()
    sender.wait_for_url("**/fr/caseworker/referrals/*/")
    card = sender.locator(".receipt code").inner_text().strip()
    assert len(card) == 9 and card[4] == "-"
    assert "envoyée" in sender.locator(".referral-status").inner_text()

    receiver = page_with_javascript  # axe-core needs JavaScript; the page does not
    browser_log_in(receiver, base, "clinic", "/ar/caseworker/")  # type: ignore[arg-type]
    assert receiver.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
    receiver.get_by_role("link", name=card).click()  # type: ignore[attr-defined]
    receiver.wait_for_url("**/ar/caseworker/referrals/*/")  # type: ignore[attr-defined]
    assert "interprète" in receiver.content()  # type: ignore[attr-defined]
    assert axe_violations(receiver) == []
    receiver.locator("form.move:has(input[value=accept]) button").click()  # type: ignore[attr-defined]
    receiver.wait_for_load_state()  # type: ignore[attr-defined]

    sender.reload()
    assert "acceptée" in sender.locator(".referral-status").inner_text().lower()
    history = sender.locator("ol.history").inner_text()
    assert "Centre de santé" in history and "clinic" in history
    sender_context.close()
