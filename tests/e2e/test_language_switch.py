"""A reader goes from the home page to the Arabic page with JavaScript turned off."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_home_to_arabic_without_javascript(
    live_server: object, page_without_javascript: object
) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/")  # type: ignore[attr-defined]
    assert page.url.endswith("/fr/")  # Accept-Language fr-FR
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text().strip()

    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url("**/ar/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar"
    assert html.get_attribute("dir") == "rtl"
    heading = page.locator("h1")
    assert heading.is_visible()
    assert any("\u0600" <= character <= "\u06ff" for character in heading.inner_text())
    # Mirrored: the main menu starts at the right-hand edge.
    nav_box = page.locator(".main-nav li").first.bounding_box()
    viewport = page.viewport_size
    assert nav_box["x"] > viewport["width"] / 2

    # Every module link works without JavaScript.
    for name in ("guide", "services", "register", "participate"):
        page.goto(f"{live_server.url}/ar/{name}/")
        assert page.locator("h1").is_visible()
        assert page.locator("html").get_attribute("dir") == "rtl"


def test_skip_link_is_the_first_focusable_element(
    live_server: object, page_without_javascript: object
) -> None:
    page = page_without_javascript
    page.goto(f"{live_server.url}/ti/")  # type: ignore[attr-defined]
    page.keyboard.press("Tab")
    link = page.locator("a.skip-link")
    assert link.evaluate("element => element === document.activeElement")
    assert link.is_visible()
