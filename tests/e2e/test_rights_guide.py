"""A reader in Arabic runs the questionnaire, opens an article and asks for the booklet,
with JavaScript off; every demo article page passes axe-core in every language."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings: object, tmp_path: object) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    from rights_guide import demo as guide_demo

    guide_demo.seed()  # guide pages read nothing else


def test_arabic_reader_questionnaire_article_and_booklet(
    live_server: object, page_without_javascript: object, demo: None
) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/fr/guide/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url("**/ar/guide/")
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.locator("a.button[href='/ar/guide/questions/']").click()
    page.wait_for_url("**/ar/guide/questions/")
    page.locator("input[name=situation][value=newly-arrived-without-documents]").check()
    page.locator("input[name=children][value=yes]").check()
    page.locator("input[name=health][value=yes]").check()
    page.locator("input[name=housing][value=none]").check()
    page.locator("form.questionnaire button[type=submit]").click()
    page.wait_for_url("**/ar/guide/questions/?*")
    assert "situation=newly-arrived-without-documents" in page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    links = page.locator("ul.cards h3 a")
    assert links.count() >= 4

    page.locator("ul.cards a[href$='/domiciliation/']").click()
    page.wait_for_url("**/domiciliation/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("article .body").get_attribute("lang") == "ar"
    heading = page.locator("h1").inner_text()
    assert any("\u0600" <= character <= "\u06ff" for character in heading), (heading, page.url)

    booklet = page.locator("ul.actions a[href$='booklet.pdf']")
    assert booklet.is_visible()
    with page.expect_navigation() as navigation:
        booklet.click()
    # No worker runs in this test: the reader is told, in Arabic, that it is being prepared.
    assert navigation.value.status == 202
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").is_visible()


LANGUAGES = ["fr", "en", "es", "ar", "fa", "uk", "ti", "ps"]


def test_article_pages_pass_axe_in_every_language(
    live_server: object, page_with_javascript: object, demo: None
) -> None:
    """One test for the eight languages: the guide is loaded once, not eight times."""
    page = page_with_javascript
    found = {}
    for language in LANGUAGES:
        for path in (
            f"/{language}/guide/housing/domiciliation/",  # translated in every demo language
            f"/{language}/guide/health/state-medical-aid/",  # a fallback in some languages
            f"/{language}/guide/",
            f"/{language}/guide/questions/",
        ):
            response = page.goto(f"{live_server.url}{path}")  # type: ignore[attr-defined]
            assert response.status == 200, path
            violations = axe_violations(page)
            if violations:
                found[path] = violations
    assert found == {}
