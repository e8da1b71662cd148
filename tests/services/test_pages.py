"""The caseworker's screens and the service page, as a person uses them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from portal.notifications.models import Notification
from services.models import Referral, Service
from tests.database_dump import pg_dump_data
from tests.services.conftest import refer

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_service_page_offers_referral_to_members_only(network) -> None:  # type: ignore[no-untyped-def]
    url = f"/ar/services/{network.service_b.pk}/"
    public = Client().get(url)
    assert public.status_code == 200
    assert "عيادة" in public.content.decode()
    assert "caseworker/referrals/new" not in public.content.decode()
    assert not public.cookies  # reading sets no cookie
    member = logged_in(network.caseworker_a).get(url).content.decode()
    assert f"caseworker/referrals/new/?service={network.service_b.pk}" in member


def test_service_page_notices_a_fallback_language(network) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(f"/uk/services/{network.service_b.pk}/").content.decode()
    assert 'class="fallback-notice"' in page
    assert '<h1 lang="uk"' not in page


def test_unknown_service_is_a_404_in_the_readers_language() -> None:
    response = Client().get("/es/services/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_refer_from_the_form_then_answer(network) -> None:  # type: ignore[no-untyped-def]
    sender = logged_in(network.caseworker_a)
    response = sender.post(
        f"/fr/caseworker/referrals/new/?service={network.service_b.pk}",
        {
            "service": network.service_b.pk,
            "need": network.need.pk,
            "client_token": "",
            "pseudonym_input": "",
            "consent": "given",
            "contact_channel": "caseworker",
            "contact_address": "",
            "contact_language": "ps",
            "note": "Needs an interpreter",
            "submit": "send",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/fr/caseworker/referrals/{referral.pk}/")
    assert referral.status == "sent" and referral.contact_language == "ps"
    receiver = logged_in(network.caseworker_b)
    page = receiver.get(f"/ar/caseworker/referrals/{referral.pk}/")
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert "Needs an interpreter" in page.content.decode()
    receiver.post(f"/ar/caseworker/referrals/{referral.pk}/", {"move": "accept"})
    after = sender.get(f"/fr/caseworker/referrals/{referral.pk}/").content.decode()
    assert "accepté" in after or "accepted" in after


def test_sending_without_consent_is_refused_in_the_readers_language(network) -> None:  # type: ignore[no-untyped-def]
    response = logged_in(network.caseworker_a).post(
        f"/es/caseworker/referrals/new/?service={network.service_b.pk}",
        {
            "service": network.service_b.pk,
            "consent": "",
            "contact_channel": "",
            "contact_language": "es",
            "submit": "send",
        },
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Referral.objects.exists()


def test_a_refused_move_says_why_and_changes_nothing(network) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network)
    receiver = logged_in(network.caseworker_b)
    receiver.post(f"/fr/caseworker/referrals/{referral.pk}/", {"move": "accept"})
    response = receiver.post(
        f"/fr/caseworker/referrals/{referral.pk}/", {"move": "decline", "decline_reason": "full"}
    )
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert Referral.objects.get().status == "accepted"


def test_filter_by_card_code(network) -> None:  # type: ignore[no-untyped-def]
    mine = refer(network, client_token="K7PQ-4XM9")
    other = refer(network)
    page = logged_in(network.caseworker_a).get("/fr/caseworker/?card=k7pq4xm9").content.decode()
    assert mine.client_token in page and other.client_token not in page


def test_list_page_costs_a_constant_number_of_queries(  # type: ignore[no-untyped-def]
    network, django_assert_max_num_queries
) -> None:
    client = logged_in(network.caseworker_a)
    for _index in range(3):
        refer(network)
    with django_assert_max_num_queries(16) as few:  # incl. the 2FA device and the audit INSERT
        client.get("/fr/caseworker/")
    for _index in range(20):
        refer(network)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/fr/caseworker/")


def test_inactive_service_takes_no_referral(network) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    Service.objects.filter(pk=network.service_b.pk).update(status="temporarily closed")
    network.service_b.refresh_from_db()
    with pytest.raises(ValidationError):
        refer(network)


@pytest.mark.django_db(transaction=True)
def test_pg_dump_holds_no_planted_note_or_pseudonym_input(network) -> None:  # type: ignore[no-untyped-def]
    """The suite's referral scenario, then a dump of the whole database: none of the
    planted note texts, pseudonym inputs or contact addresses appear in plain text."""
    planted = {
        "note": "Planted-note: sleeps at the Gare du Nord",
        "pseudonym": "Planted-file ZX-4411",
        "reason": "Planted-reason: cannot speak today",
        "address": "+33 6 98 76 54 32",
        "later": "Planted-later: came back with her son",
    }
    referral = refer(
        network,
        caseworker=network.admin_a,
        note=planted["note"],
        pseudonym_input=planted["pseudonym"],
        consent="overridden",
        consent_override_reason=planted["reason"],
        contact_channel="sms",
        contact_address=planted["address"],
    )
    receiver = logged_in(network.caseworker_b)
    receiver.get(f"/fr/caseworker/referrals/{referral.pk}/")
    receiver.post(f"/fr/caseworker/referrals/{referral.pk}/", {"move": "accept"})
    receiver.post(
        f"/fr/caseworker/referrals/{referral.pk}/", {"kind": "note", "text": planted["later"]}
    )
    assert Notification.objects.filter(message="referral_accepted_person").exists()
    dump = pg_dump_data()
    assert "services_referral" in dump and str(referral.pk) in dump
    for text in planted.values():
        assert text not in dump
    for fragment in ("Gare du Nord", "ZX-4411", "98 76 54", "her son", "zx-4411"):
        assert fragment not in dump


def test_members_find_their_referrals_from_every_page(network) -> None:  # type: ignore[no-untyped-def]
    link = 'href="/fr/caseworker/"'
    assert link in logged_in(network.caseworker_b).get("/fr/").content.decode()
    assert link not in logged_in(network.resident).get("/fr/").content.decode()
    assert link not in Client().get("/fr/").content.decode()


def test_a_busy_organisation_pages_through_its_referrals(network) -> None:  # type: ignore[no-untyped-def]
    from services.models import Referral as ReferralModel

    for _index in range(53):
        refer(network)
    client = logged_in(network.caseworker_a)
    first = client.get("/fr/caseworker/?direction=sent").content.decode()
    tokens = set(ReferralModel.objects.values_list("client_token", flat=True))
    assert sum(token in first for token in tokens) == 50
    assert "sent_page=2" in first
    second = client.get("/fr/caseworker/?direction=sent&sent_page=2").content.decode()
    assert sum(token in second for token in tokens) == 3


def test_listing_referrals_is_audited_one_entry_each(network) -> None:  # type: ignore[no-untyped-def]
    from portal.audit.models import AuditEntry

    shown = [refer(network) for _index in range(3)]
    before = AuditEntry.objects.filter(detail="list").count()
    assert logged_in(network.caseworker_a).get("/fr/caseworker/").status_code == 200
    listed = AuditEntry.objects.filter(detail="list", actor=network.caseworker_a)
    assert listed.count() - before == len(shown)
    assert {entry.object_pk for entry in listed} == {str(referral.pk) for referral in shown}


@pytest.mark.django_db
def test_a_position_from_the_browser_is_kept_by_no_cache(client: Client) -> None:
    """ "Near me" sends the position only with the search; no cache may keep that page
    (nginx's and Redis's would hold the position), unlike a neighbourhood's."""
    position = client.get("/fr/services/", {"near": "45.1885,5.7245"})
    assert position.status_code == 200
    assert position["Cache-Control"] == "private, no-store"
    neighbourhood = next(iter(settings.PORTAL_NEIGHBOURHOOD_CENTRES))
    named = client.get("/fr/services/", {"near": neighbourhood})
    assert named["Cache-Control"].startswith("public")
