"""A reader searches "santé" in French and its Arabic equivalent, keeps only services
that ask no documents and are open now, opens one and finds the call link — without
JavaScript; axe-core finds no WCAG violation on the search and service pages."""

from __future__ import annotations

import datetime

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_directory() -> None:
    from services import search
    from services.models import Phone, Schedule
    from tests.factories.accounts import OrganisationFactory
    from tests.factories.services import ServiceFactory, TaxonomyTermFactory

    health = TaxonomyTermFactory(code="health", name_fr="Soins de santé", name_ar="الرعاية الصحية")
    organisation = OrganisationFactory(name="Centre municipal")
    always = ServiceFactory(
        organisation=organisation,
        name_fr="Centre de santé sans rendez-vous",
        name_ar="مركز صحي بدون موعد",
        description_fr="Un médecin reçoit toute personne.",
        description_ar="طبيب يستقبل أي شخص.",
        no_documents_required=True,
    )
    always.needs.add(health)
    # 00:00 to 00:00: open around the clock, whatever time the test runs.
    Schedule.objects.create(
        service=always, freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=datetime.time(0, 0), closes_at=datetime.time(0, 0),
    )  # fmt: skip
    Phone.objects.create(service=always, number="+33 4 76 12 34 56")
    papers = ServiceFactory(
        organisation=organisation,
        name_fr="Maison de santé du quartier",
        name_ar="عيادة صحية في الحي",
        no_documents_required=False,
    )
    papers.needs.add(health)
    Schedule.objects.create(
        service=papers, freq="WEEKLY", byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=datetime.time(0, 0), closes_at=datetime.time(0, 0),
    )  # fmt: skip
    search.reindex()
    search.vocabulary_rebuild()


@pytest.mark.parametrize(("language", "words"), [("fr", "santé"), ("ar", "صحي")])
def test_search_filter_open_and_call(
    live_server: object, page_without_javascript: object, language: str, words: str
) -> None:
    make_directory()
    page = page_without_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/{language}/services/")  # type: ignore[attr-defined]
    page.fill("input[name=q]", words)  # type: ignore[attr-defined]
    page.locator("form.directory-search .search button[type=submit]").click()  # type: ignore[attr-defined]
    results = page.locator(".services-list > li")  # type: ignore[attr-defined]
    assert results.count() == 2
    page.locator("input[name=no_documents_required]").check()  # type: ignore[attr-defined]
    page.locator("input[name=open_now]").check()  # type: ignore[attr-defined]
    page.locator("form.directory-search > button[type=submit]").click()  # type: ignore[attr-defined]
    assert results.count() == 1
    assert "no_documents_required=on" in page.url and "open_now=on" in page.url  # type: ignore[attr-defined]
    results.first.locator("h3 a").click()
    page.wait_for_url("**/services/*/")  # type: ignore[attr-defined]
    call = page.locator("a[href^='tel:']")  # type: ignore[attr-defined]
    assert call.get_attribute("href") == "tel:+33476123456"
    if language == "ar":
        assert page.locator("html").get_attribute("dir") == "rtl"  # type: ignore[attr-defined]
        assert "مركز صحي بدون موعد" in page.locator("h1").inner_text()  # type: ignore[attr-defined]


def test_search_and_service_pages_pass_axe(
    live_server: object, page_with_javascript: object
) -> None:
    make_directory()
    page = page_with_javascript
    base = live_server.url  # type: ignore[attr-defined]
    for path in ("/fr/services/?q=sant%C3%A9&open_now=on", "/ar/services/?need=health"):
        page.goto(f"{base}{path}")  # type: ignore[attr-defined]
        violations = axe_violations(page)
        assert violations == [], (path, violations)
    page.locator(".services-list h3 a").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/services/*/")  # type: ignore[attr-defined]
    assert axe_violations(page) == []
