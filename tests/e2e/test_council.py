"""A reader opens the council's page in Spanish, adds a meeting to their calendar (the
.ics download), follows a recommendation by email and confirms with the link of the
message the outbox holds."""

from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo() -> None:
    from participation import council_demo

    council_demo.seed()


def test_reader_follows_the_council_in_spanish(
    live_server: object, page_with_javascript: object, demo: None
) -> None:
    from django.core.cache import cache

    from participation.models import Subscription
    from portal.notifications.models import Notification

    cache.clear()
    page = page_with_javascript
    base = live_server.url  # type: ignore[attr-defined]
    page.goto(f"{base}/es/participate/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Consejo de residentes extranjeros").first.click()  # type: ignore[attr-defined]
    page.wait_for_url("**/es/participate/council/conseil-des-residents-etrangers/")  # type: ignore[attr-defined]
    assert page.locator("html").get_attribute("lang") == "es"  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Consejo de residentes extranjeros"  # type: ignore[attr-defined]
    assert axe_violations(page) == []

    # The next meeting, into the calendar.
    page.locator("#upcoming-title + ul a").first.click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))  # type: ignore[attr-defined]
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.locator("a[href$='.ics']").click()  # type: ignore[attr-defined]
    with open(download.value.path(), "rb") as ics:
        (event,) = Calendar.from_ical(ics.read()).walk("VEVENT")
    assert str(event["summary"]) == "Empleo y formación"
    assert event.decoded("dtstart").hour == 18

    # A recommendation, followed by email in Spanish.
    page.goto(f"{base}/es/participate/council/conseil-des-residents-etrangers/recommendations/")  # type: ignore[attr-defined]
    page.get_by_role("link", name="Seguimiento público de las respuestas").click()  # type: ignore[attr-defined]
    page.wait_for_url(re.compile(r".*/recommendations/\d+/$"))  # type: ignore[attr-defined]
    assert axe_violations(page) == []
    page.fill("#follow-email", "lectora@example.org")  # type: ignore[attr-defined]
    page.select_option("#follow-language", "es")  # type: ignore[attr-defined]
    page.locator("form.follow button[type=submit]").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/follow/")  # type: ignore[attr-defined]
    assert page.locator("[role=status]").count() == 1  # type: ignore[attr-defined]

    # The confirmation link, as the message carries it.
    (message,) = [
        n
        for n in Notification.objects.filter(message="council_subscription_confirm")
        if n.recipient == "lectora@example.org"
    ]
    link = re.sub(r"^https?://[^/]+", base, message.context["confirm_url"])
    assert "/es/participate/follow/confirm/" in link
    page.goto(link)  # type: ignore[attr-defined]
    assert Subscription.objects.get().confirmed_at is None  # opening it is not confirming
    page.locator("main form button[type=submit]").click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.locator("[role=status]").count() == 1  # type: ignore[attr-defined]
    assert Subscription.objects.get().confirmed_at is not None
