"""Reporting discrimination without an account, following up with a code, and the
office's work on a report: who sees what, what moves are allowed."""

from __future__ import annotations

import pytest
from django.test import Client

from discrimination import actions
from discrimination.models import Report, ReportMessage
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from services.models import Referral
from tests.discrimination.conftest import logged_in, submit

pytestmark = pytest.mark.django_db

FORM = {
    "category": "public_service",
    "ground": "papers",
    "month": "2026-10",
    "neighbourhood": "",
    "account": "",
    "contact_channel": "",
    "contact_address": "",
    "contact_language": "fa",
}


@pytest.mark.parametrize(
    ("language", "account", "direction"),
    [
        ("fr", "On m'a refusé l'entrée au guichet à cause de mon accent.", "ltr"),
        ("ar", "رفض الموظف استقبالي بسبب لهجتي.", "rtl"),
        ("fa", "کارمند به خاطر لهجه‌ام به من خدمت نداد.", "rtl"),
    ],
)
def test_anyone_reports_in_their_language_without_account_or_cookie(
    city, language: str, account: str, direction: str
) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    page = client.get(f"/{language}/guide/report/?service={city.counter.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'dir="{direction}"' in html
    assert f'<option value="{city.counter.pk}" selected>' in html
    response = client.post(
        f"/{language}/guide/report/",
        {**FORM, "service": str(city.counter.pk), "account": account, "contact_language": language},
    )
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie
    assert response["Cache-Control"] == "no-store"
    report = Report.objects.get()
    assert (report.language, report.category, report.ground) == (
        language,
        "public_service",
        "papers",
    )
    assert report.account == account
    assert report.service == city.counter
    assert report.neighbourhood == "north"  # nearest to the counter's place
    code = response.context["code"]
    assert code in response.content.decode()
    assert len(code.replace("-", "")) == 26
    assert report.code_digest != code and code not in report.code_digest
    # The officers are told, with a link and nothing of the report.
    note = Notification.objects.get(message="discrimination_report_received")
    assert note.recipient == city.officer.email
    assert account not in str(note.context)


def test_missing_answers_are_explained_and_nothing_is_stored(city) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(
        "/fr/guide/report/", {**FORM, "category": "", "contact_channel": "email"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce champ est obligatoire" in html
    assert (
        "Indiquez le numéro de téléphone ou l'adresse e-mail où le bureau peut vous joindre."
        in (html.replace("&#x27;", "'"))
    )
    assert not Report.objects.exists()


def test_a_program_filling_the_hidden_field_is_refused(city) -> None:  # type: ignore[no-untyped-def]
    response = Client().post("/fr/guide/report/", {**FORM, "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_reports_from_one_address_are_limited(city, settings) -> None:  # type: ignore[no-untyped-def]

    settings.DISCRIMINATION_REPORT_RATE_PER_HOUR = 2
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post("/fr/guide/report/", FORM).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2


def _read(client: Client, code: str):  # type: ignore[no-untyped-def]
    return client.post("/fr/guide/report/follow-up/", {"action": "read", "code": code})


def test_the_code_reads_its_answer_and_nothing_else(city) -> None:  # type: ignore[no-untyped-def]

    mine, my_code = submit(
        service=city.counter,
        account="Planted-account-A",
        contact_channel="email",
        contact_address="a-victim@example.net",
    )
    other, other_code = submit(account="Planted-account-B")
    actions.report_answer(
        report_id=mine.pk, user=city.officer, text="Answer-for-A: come on Tuesday", language="fr"
    )
    actions.report_note_add(report_id=mine.pk, user=city.officer, text="Internal-note-A")
    actions.report_forward(report_id=mine.pk, user=city.officer, text="Forward-text-A")
    actions.forwarded_respond(report_id=mine.pk, user=city.town_hall_admin, text="Org-reply-A")
    actions.report_answer(report_id=other.pk, user=city.officer, text="Answer-for-B", language="fr")

    client = Client()
    html = _read(client, my_code.lower().replace("-", " ")).content.decode()  # typed loosely
    assert "Answer-for-A: come on Tuesday" in html
    for hidden in (
        "Internal-note-A",
        "Forward-text-A",
        "Org-reply-A",
        "a-victim@example.net",
        "Answer-for-B",
        "Planted-account-B",
    ):
        assert hidden not in html

    other_html = _read(client, other_code).content.decode()
    assert "Answer-for-B" in other_html
    assert "Answer-for-A" not in other_html

    for wrong in ("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG", "not a code", ""):
        response = _read(client, wrong)
        assert response.status_code == 404
        assert "Aucun signalement ne correspond à ce code" in response.content.decode()
        assert "Answer-for" not in response.content.decode()
    # The answer was announced to the address the person gave, in their language.
    told = Notification.objects.get(message="discrimination_answer_person")
    assert told.recipient == "a-victim@example.net"
    assert "Answer-for-A" not in str(told.context)


def test_the_reporter_adds_information_with_the_code(city) -> None:  # type: ignore[no-untyped-def]

    report, code = submit()
    response = Client().post(
        "/fr/guide/report/follow-up/",
        {"action": "add", "code": code, "text": "Il y avait un témoin."},
    )
    assert response.status_code == 200
    assert "Il y avait un témoin." in response.content.decode()
    message = ReportMessage.objects.get(report=report)
    assert (message.kind, message.text) == ("reporter", "Il y avait un témoin.")
    office_page = logged_in(city.officer).get(f"/fr/office/reports/{report.pk}/")
    assert "Il y avait un témoin." in office_page.content.decode()
    # With a wrong code nothing is added anywhere.
    Client().post(
        "/fr/guide/report/follow-up/",
        {"action": "add", "code": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GG", "text": "intrus"},
    )
    assert ReportMessage.objects.count() == 1


def test_the_forwarded_organisation_never_sees_the_account_or_contact(city) -> None:  # type: ignore[no-untyped-def]
    report, _code = submit(
        service=city.counter,
        account="Planted-account: the agent shouted at me",
        contact_channel="sms",
        contact_address="+33 6 12 34 56 78",
    )
    officer = logged_in(city.officer)
    response = officer.post(
        f"/fr/office/reports/{report.pk}/",
        {"kind": "forward", "text": "Un usager signale un refus au guichet en octobre."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.forwarded_to == city.town_hall
    told = Notification.objects.get(message="discrimination_forwarded")
    assert told.recipient == city.town_hall_admin.email  # encrypted: compared in Python

    admin = logged_in(city.town_hall_admin)
    listing = admin.get("/fr/office/forwarded/").content.decode()
    assert f"/fr/office/forwarded/{report.pk}/" in listing
    page = admin.get(f"/fr/office/forwarded/{report.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Un usager signale un refus au guichet en octobre." in html
    for secret in ("Planted-account", "12 34 56 78", "+33"):
        assert secret not in html
    assert page["Cache-Control"].startswith("max-age=0")
    # Nor through the office's screens; for a caseworker of the organisation (not its
    # admin) the forwarded report does not exist.
    assert admin.get(f"/fr/office/reports/{report.pk}/").status_code == 403
    caseworker = logged_in(city.town_hall_caseworker)
    assert caseworker.get(f"/fr/office/forwarded/{report.pk}/").status_code == 404
    # The organisation responds; the office reads the response.
    admin.post(f"/fr/office/forwarded/{report.pk}/", {"text": "Nous avons rappelé la règle."})
    assert (
        "Nous avons rappelé la règle."
        in officer.get(f"/fr/office/reports/{report.pk}/").content.decode()
    )


def test_only_officers_reach_the_office(city) -> None:  # type: ignore[no-untyped-def]
    report, _code = submit(account="Planted")
    assert Client().get("/fr/office/").status_code == 302  # to the sign-in page
    # City admins hold every other role, not this one: reports are about people.
    assert logged_in(city.city_admin).get("/fr/office/").status_code == 403
    assert logged_in(city.city_admin).get(f"/fr/office/reports/{report.pk}/").status_code == 403
    queue = logged_in(city.officer).get("/fr/office/")
    assert queue.status_code == 200
    assert f"/fr/office/reports/{report.pk}/" in queue.content.decode()
    assert "Planted" not in queue.content.decode()  # the queue shows no text


def test_every_office_read_is_audited(city) -> None:  # type: ignore[no-untyped-def]
    report, _code = submit(service=city.counter)
    officer = logged_in(city.officer)
    officer.get(f"/fr/office/reports/{report.pk}/")
    officer.post(f"/fr/office/reports/{report.pk}/", {"kind": "note", "text": "à rappeler"})
    officer.post(
        f"/fr/office/reports/{report.pk}/", {"kind": "forward", "text": "Merci de répondre"}
    )
    logged_in(city.town_hall_admin).get(f"/fr/office/forwarded/{report.pk}/")
    entries = AuditEntry.objects.filter(object_pk=str(report.pk)).order_by("occurred_at", "pk")
    assert [(entry.actor, entry.action, entry.detail) for entry in entries] == [
        (None, "create", ""),
        (city.officer, "view", ""),
        (city.officer, "change", "note"),
        (city.officer, "change", "forward"),
        (city.town_hall_admin, "view", "forwarded"),
    ]


def test_moves_their_refusals_and_a_referral_to_a_legal_service(city) -> None:  # type: ignore[no-untyped-def]
    report, _code = submit()
    officer = logged_in(city.officer)
    url = f"/fr/office/reports/{report.pk}/"
    # Referring needs an assessed report and the person's consent.
    refused = officer.post(url, {"kind": "refer", "service": str(city.legal_service.pk)})
    assert refused.status_code == 409
    officer.post(url, {"kind": "move", "move": "assess"})
    no_consent = officer.post(url, {"kind": "refer", "service": str(city.legal_service.pk)})
    assert no_consent.status_code == 409
    assert "consentement" in no_consent.content.decode()
    assert not Referral.objects.exists()
    referred = officer.post(
        url, {"kind": "refer", "service": str(city.legal_service.pk), "consent": "on"}
    )
    assert referred.status_code == 302
    report.refresh_from_db()
    assert report.status == "referred"
    referral = Referral.objects.get()
    assert referral.pk == report.referral_id
    assert (referral.status, referral.sending_organisation, referral.service) == (
        "sent",
        city.office,
        city.legal_service,
    )
    # Closing needs a reason; a closed report moves no more.
    assert officer.post(url, {"kind": "move", "move": "close"}).status_code == 409
    assert (
        officer.post(url, {"kind": "move", "move": "close", "close_reason": "referred"}).status_code
        == 302
    )
    report.refresh_from_db()
    assert (report.status, report.close_reason) == ("closed", "referred")
    again = officer.post(url, {"kind": "move", "move": "assess"})
    assert again.status_code == 409
    assert [event.to_status for event in report.events.all()] == [
        "received",
        "assessed",
        "referred",
        "closed",
    ]


def test_discrimination_pages_of_the_guide_and_service_pages_link_to_the_form(city) -> None:  # type: ignore[no-untyped-def]
    from tests.factories.guide import ArticleFactory

    about = ArticleFactory(needs=["discrimination"])
    other = ArticleFactory(needs=["health"])
    client = Client()
    link = 'href="/fr/guide/report/"'
    assert link in client.get(f"/fr/guide/{about.topic.slug}/{about.slug}/").content.decode()
    assert link not in client.get(f"/fr/guide/{other.topic.slug}/{other.slug}/").content.decode()
    service_page = client.get(f"/fr/services/{city.counter.pk}/").content.decode()
    assert f'href="/fr/guide/report/?service={city.counter.pk}"' in service_page
