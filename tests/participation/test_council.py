"""The council's public life: meetings in a calendar a phone understands (across a
daylight-saving change), recommendations followed from adoption to the city's answer,
and email follow-ups that need a confirmed address and stop with one link."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from icalendar import Calendar

from participation import actions
from participation.models import (
    Council,
    CouncilMember,
    Meeting,
    Recommendation,
    RecommendationStatus,
    Subscription,
)
from portal.accounts import actions as account_actions
from portal.accounts.roles import Role
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


def _meeting(
    council: Council, start: datetime.datetime, *, public: bool = True, title: str = "Séance"
) -> Meeting:
    return Meeting.objects.create(
        council=council,
        title=title,
        title_fr=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        place="Hôtel de ville",
        is_public=public,
    )


@pytest.fixture
def council() -> Council:
    return Council.objects.create(
        slug="crer",
        name="Conseil des résidents étrangers",
        name_fr="Conseil des résidents étrangers",
    )


@pytest.fixture
def recommendation(council: Council) -> Recommendation:
    meeting = _meeting(council, datetime.datetime(2026, 10, 1, 18, tzinfo=PARIS))
    return Recommendation.objects.create(
        council=council,
        meeting=meeting,
        title="Interprètes aux guichets",
        title_fr="Interprètes aux guichets",
        text="Un interprète par téléphone à chaque guichet.",
        text_fr="Un interprète par téléphone à chaque guichet.",
        department="Accueil",
    )


@pytest.fixture
def officer():  # type: ignore[no-untyped-def]
    return account_actions.user_create(
        username="council-officer", password=None, roles=[Role.COUNCIL_MEMBER], notify=False
    )


def _notifications(message: str, address: str) -> list[Notification]:
    # The recipient is encrypted: compare in Python.
    return [n for n in Notification.objects.filter(message=message) if n.recipient == address]


def test_the_calendar_has_local_times_on_both_sides_of_a_daylight_saving_change(council) -> None:  # type: ignore[no-untyped-def]
    # Summer time ends on Sunday 25 October 2026 in Paris (UTC+2 -> UTC+1).
    before = _meeting(council, datetime.datetime(2026, 10, 22, 18, tzinfo=PARIS), title="Avant")
    after = _meeting(council, datetime.datetime(2026, 10, 29, 18, tzinfo=PARIS), title="Après")
    _meeting(
        council, datetime.datetime(2026, 10, 26, 18, tzinfo=PARIS), public=False, title="Bureau"
    )
    response = Client().get(f"/es/participate/council/{council.slug}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Avant", "Après"}  # the closed meeting is not in the feed
    for event, meeting in ((events["Avant"], before), (events["Après"], after)):
        start = event.decoded("dtstart")
        assert start.hour == 18 and start.tzinfo is not None  # 18:00 local, both weeks
        assert start.astimezone(UTC) == meeting.starts_at.astimezone(UTC)
        assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert events["Avant"].decoded("dtstart").astimezone(UTC).hour == 16
    assert events["Après"].decoded("dtstart").astimezone(UTC).hour == 17
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    single = Client().get(f"/fr/participate/council/{council.slug}/meetings/{after.pk}.ics")
    (event,) = Calendar.from_ical(single.content).walk("VEVENT")
    assert f"/participate/council/{council.slug}/meetings/{after.pk}/" in str(event["url"])


def test_closed_meetings_appear_on_no_public_page_nor_api(council) -> None:  # type: ignore[no-untyped-def]
    open_meeting = _meeting(
        council, datetime.datetime(2030, 1, 10, 18, tzinfo=PARIS), title="Séance ouverte"
    )
    closed = _meeting(
        council,
        datetime.datetime(2030, 1, 12, 18, tzinfo=PARIS),
        public=False,
        title="Réunion fermée",
    )
    client = Client()
    for url in ("/fr/participate/", f"/fr/participate/council/{council.slug}/"):
        page = client.get(url).content.decode()
        assert "Séance ouverte" in page and "Réunion fermée" not in page
    assert (
        client.get(f"/fr/participate/council/{council.slug}/meetings/{closed.pk}/").status_code
        == 404
    )
    assert (
        client.get(f"/fr/participate/council/{council.slug}/meetings/{closed.pk}.ics").status_code
        == 404
    )
    assert (
        client.get(
            f"/fr/participate/council/{council.slug}/meetings/{open_meeting.pk}/"
        ).status_code
        == 200
    )
    api = client.get(f"/api/v1/councils/{council.slug}/meetings/").json()
    assert [meeting["id"] for meeting in api["results"]] == [open_meeting.pk]


def test_only_members_who_agreed_are_listed(council) -> None:  # type: ignore[no-untyped-def]
    today = datetime.datetime.now(tz=PARIS).date()
    CouncilMember.objects.create(
        council=council,
        display_name="Amina K.",
        term_start=today,
        publication_agreed=True,
        community="Femmes du monde",
    )
    CouncilMember.objects.create(council=council, display_name="Not Agreed", term_start=today)
    CouncilMember.objects.create(
        council=council,
        display_name="Former One",
        term_start=today.replace(year=today.year - 3),
        term_end=today.replace(year=today.year - 1),
        publication_agreed=True,
    )
    page = Client().get(f"/fr/participate/council/{council.slug}/").content.decode()
    assert "Amina K." in page and "Femmes du monde" in page
    assert "Not Agreed" not in page and "Former One" not in page
    assert "Votre adresse e-mail" in page  # the follow form, in the reader's language


def test_status_moves_only_along_the_tracker_and_declining_needs_an_answer(
    recommendation, officer
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(actions.RecommendationRefused):
        actions.recommendation_transition(
            recommendation=recommendation, to_status=RecommendationStatus.IMPLEMENTED, actor=officer
        )
    with pytest.raises(actions.RecommendationRefused, match="réponse écrite"):
        actions.recommendation_transition(
            recommendation=recommendation,
            to_status=RecommendationStatus.DECLINED,
            actor=officer,
            answer="  ",
        )
    recommendation.refresh_from_db()
    assert (
        recommendation.status == RecommendationStatus.SUBMITTED
        and not recommendation.events.exists()
    )
    for step in (RecommendationStatus.ACKNOWLEDGED, RecommendationStatus.IN_PROGRESS):
        actions.recommendation_transition(
            recommendation=recommendation, to_status=step, actor=officer
        )
    actions.recommendation_transition(
        recommendation=recommendation,
        to_status=RecommendationStatus.DECLINED,
        actor=officer,
        answer="Le budget 2027 ne le permet pas ; nous y reviendrons.",
        language="fr",
    )
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DECLINED
    assert recommendation.answer_fr.startswith("Le budget 2027") and recommendation.answered_at
    assert [event.to_status for event in recommendation.events.all()] == [
        "acknowledged",
        "in_progress",
        "declined",
    ]
    assert AuditEntry.objects.filter(object_pk=str(recommendation.pk), actor=officer).count() == 3
    with pytest.raises(actions.RecommendationRefused):  # an answer is final
        actions.recommendation_transition(
            recommendation=recommendation, to_status=RecommendationStatus.IN_PROGRESS, actor=officer
        )
    page = (
        Client()
        .get(
            f"/fr/participate/council/{recommendation.council.slug}/recommendations/{recommendation.pk}/"
        )
        .content.decode()
    )
    assert "Le budget 2027 ne le permet pas" in page


def test_staff_record_progress_on_the_page_and_nobody_else_can(recommendation, officer) -> None:  # type: ignore[no-untyped-def]
    council = recommendation.council
    url = f"/fr/participate/council/{council.slug}/recommendations/{recommendation.pk}/"
    assert Client().post(url, {"status": "acknowledged"}).status_code == 403
    staff = Client()
    staff.force_login(officer)
    assert 'id="record-title"' in staff.get(url).content.decode()  # the staff form
    assert 'id="record-title"' not in Client().get(url).content.decode()
    refused = staff.post(url, {"status": "declined", "answer": ""})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    assert staff.post(url, {"status": "acknowledged"}).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.ACKNOWLEDGED


def test_following_needs_a_confirmed_address_and_stops_with_one_link(
    recommendation, officer
) -> None:  # type: ignore[no-untyped-def]
    reader = Client()
    council = recommendation.council
    sent = reader.post(
        f"/es/participate/council/{council.slug}/follow/",
        {"email": "lector@example.org", "language": "es", "recommendation": recommendation.pk},
    )
    assert sent.status_code == 200 and not sent.cookies
    (confirmation,) = _notifications("council_subscription_confirm", "lector@example.org")
    assert confirmation.language == "es"
    subscription = Subscription.objects.get()
    assert subscription.confirmed_at is None
    # Before confirming: the status changes, nothing is sent to the address.
    actions.recommendation_transition(
        recommendation=recommendation, to_status="acknowledged", actor=officer
    )
    assert _notifications("council_recommendation_status", "lector@example.org") == []
    # The link opens a page; its button confirms (no login).
    link = confirmation.context["confirm_url"]
    path = re.sub(r"^https?://[^/]+", "", link)
    assert path.startswith("/es/participate/follow/confirm/")
    assert "<form" in reader.get(path).content.decode()
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None  # opening the link confirms nothing
    assert reader.post(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    actions.recommendation_transition(
        recommendation=recommendation, to_status="in_progress", actor=officer
    )
    (news,) = _notifications("council_recommendation_status", "lector@example.org")
    assert news.language == "es" and "/es/participate/council/" in news.context["url"]
    stop = re.sub(r"^https?://[^/]+", "", news.context["unsubscribe_url"])
    assert Client().get(stop).status_code == 200
    assert Client().post(stop).status_code == 200
    assert not Subscription.objects.exists()  # the address is gone
    actions.recommendation_transition(
        recommendation=recommendation, to_status="implemented", actor=officer, answer="Fait."
    )
    assert len(_notifications("council_recommendation_status", "lector@example.org")) == 1
    # A forged or altered link does nothing.
    assert Client().post(stop[:-3] + "xyz/").status_code == 404


def test_asking_to_follow_is_rate_limited_and_checks_the_address(council) -> None:  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR="198.51.100.20")
    url = f"/fr/participate/council/{council.slug}/follow/"
    bad = client.post(url, {"email": "not-an-address", "language": "fr"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert not Subscription.objects.exists()
    for number in range(9):
        assert (
            client.post(url, {"email": f"p{number}@example.org", "language": "fr"}).status_code
            == 200
        )
    assert client.post(url, {"email": "p99@example.org", "language": "fr"}).status_code == 429
    assert Subscription.objects.count() == 9


def test_new_meetings_and_minutes_reach_confirmed_followers_once(council, officer) -> None:  # type: ignore[no-untyped-def]
    actions.subscription_request(email="suivi@example.org", language="ar", council=council)
    actions.subscription_request(email="pending@example.org", language="fr", council=council)
    token = (
        _notifications("council_subscription_confirm", "suivi@example.org")[0]
        .context["confirm_url"]
        .rsplit("/confirm/", 1)[1]
        .strip("/")
    )
    assert actions.subscription_confirm(token=token) is not None
    meeting = _meeting(council, datetime.datetime(2031, 2, 1, 18, tzinfo=PARIS))
    actions.meeting_announce(meeting=meeting)
    actions.meeting_announce(meeting=meeting)  # once only
    assert len(_notifications("council_meeting_announced", "suivi@example.org")) == 1
    assert _notifications("council_meeting_announced", "pending@example.org") == []
    meeting.minutes_fr = meeting.minutes = "Compte rendu."
    meeting.save()
    actions.minutes_publish(meeting=meeting, actor=officer)
    (minutes,) = _notifications("council_minutes_published", "suivi@example.org")
    assert "/ar/participate/council/" in minutes.context["url"]


def test_the_tracker_counts_statuses_and_the_time_to_answer(recommendation, officer) -> None:  # type: ignore[no-untyped-def]
    for step in ("acknowledged", "in_progress", "implemented"):
        actions.recommendation_transition(
            recommendation=recommendation,
            to_status=step,
            actor=officer,
            answer="Fait." if step == "implemented" else "",
        )
    page = Client().get(
        f"/fr/participate/council/{recommendation.council.slug}/recommendations/?status=implemented"
    )
    body = page.content.decode()
    assert "Interprètes aux guichets" in body
    empty = Client().get(
        f"/fr/participate/council/{recommendation.council.slug}/recommendations/?status=declined"
    )
    assert "Interprètes aux guichets" not in empty.content.decode()
    api = (
        Client()
        .get(f"/api/v1/councils/{recommendation.council.slug}/recommendations/", {"lang": "fr"})
        .json()
    )
    assert api["results"][0]["status"] == "implemented" and api["results"][0]["answered_at"]


def test_meeting_documents_must_really_be_pdfs(council) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participation.models import MeetingDocument

    meeting = _meeting(council, datetime.datetime(2030, 3, 1, 18, tzinfo=PARIS))
    fake = MeetingDocument(
        meeting=meeting,
        title="Ordre du jour",
        language="fr",
        file=SimpleUploadedFile("agenda.pdf", b"<html>not a pdf</html>"),
    )
    with pytest.raises(ValidationError):
        fake.full_clean()
    real = MeetingDocument(
        meeting=meeting,
        title="Ordre du jour",
        language="fr",
        file=SimpleUploadedFile("agenda.pdf", b"%PDF-1.7\n%%EOF\n"),
    )
    real.full_clean()


def test_admin_changes_to_the_council_go_to_the_audit_log(council, officer) -> None:  # type: ignore[no-untyped-def]
    from django.contrib import admin
    from django.http import HttpRequest

    meeting = _meeting(council, datetime.datetime(2030, 4, 1, 18, tzinfo=PARIS))
    request = HttpRequest()
    request.user = officer
    meeting_admin = admin.site._registry[Meeting]
    meeting_admin.log_change(request, meeting, "Changed title.")
    meeting_admin.log_deletions(request, [meeting])
    actions_logged = list(
        AuditEntry.objects.filter(actor=officer, object_pk=str(meeting.pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions_logged) == ["change", "delete"]


def test_a_budget_cannot_take_the_councils_address() -> None:
    from django.core.exceptions import ValidationError

    from participation.models import Process

    with pytest.raises(ValidationError):
        Process(slug="council", title="Budget").clean()
    Process(slug="budget-2030", title="Budget").clean()


def test_member_photos_are_limited_in_size() -> None:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participation.models import MAX_PHOTO_BYTES, validate_photo_size

    with pytest.raises(ValidationError):
        validate_photo_size(SimpleUploadedFile("me.jpg", b"x" * (MAX_PHOTO_BYTES + 1)))
    validate_photo_size(SimpleUploadedFile("me.jpg", b"x" * 1000))
