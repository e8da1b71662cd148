"""Referral rules: consent gate, every move and its refusal, notifications, retention,
keyed pseudonyms, encrypted notes and key rotation."""

from __future__ import annotations

import datetime

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.encryption import DecryptionError
from portal.i18n.languages import text_in_language
from portal.notifications.models import Notification
from services import actions
from services.models import Referral, ReferralEvent, ReferralNote
from tests.services.conftest import refer

pytestmark = pytest.mark.django_db

PLANTED_NOTE = "Madame Plantée-Referral has a bad cough"


def snapshot(referral: Referral) -> tuple[object, ...]:
    fresh = Referral.objects.get(pk=referral.pk)
    return (
        fresh.status,
        fresh.decline_reason,
        fresh.sent_at,
        fresh.answered_at,
        fresh.closed_at,
        ReferralEvent.objects.filter(referral=fresh).count(),
        Notification.objects.count(),
    )


# --- Client without identity ---------------------------------------------------------------


def test_no_field_can_hold_an_identity() -> None:
    names = {
        field.name
        for model in (Referral, ReferralEvent, ReferralNote)
        for field in model._meta.get_fields()
    }
    for forbidden in ("name", "first_name", "last_name", "birth", "birth_date", "nationality"):
        assert not any(forbidden == name or name.startswith(f"{forbidden}_") for name in names)
    assert not any("legal" in name or "status_of" in name for name in names)


def test_card_code_is_made_when_empty_and_normalised_when_typed(network) -> None:  # type: ignore[no-untyped-def]
    made = refer(network)
    assert len(made.client_token) == 9 and made.client_token[4] == "-"
    typed = refer(network, client_token="k7pq 4xm9")
    assert typed.client_token == "K7PQ-4XM9"
    with pytest.raises(ValidationError):
        refer(network, client_token="not-a-code!")


def test_pseudonym_recognises_a_returning_person_in_one_organisation_only(network) -> None:  # type: ignore[no-untyped-def]
    first = refer(network, pseudonym_input="Dossier 2024-117")
    again = refer(network, pseudonym_input="  dossier   2024-117 ")
    from_b = refer(network, caseworker=network.caseworker_b, pseudonym_input="Dossier 2024-117")
    assert first.pseudonym == again.pseudonym
    assert from_b.pseudonym != first.pseudonym  # another organisation cannot join them
    assert "2024-117" not in first.pseudonym
    from services.selectors import returning_count

    assert returning_count(referral=again) == 1
    assert returning_count(referral=from_b) == 0


# --- Consent gate ----------------------------------------------------------------------------


def test_a_referral_cannot_be_sent_without_consent(network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        refer(network, consent="")
    assert not Referral.objects.exists()  # nothing half-saved
    draft = refer(network, consent="", send=False)
    before = snapshot(draft)
    with pytest.raises(ValidationError):
        actions.referral_transition(referral_id=draft.pk, user=network.caseworker_a, move="send")
    assert snapshot(draft) == before


def test_override_needs_the_permission_and_a_reason(network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        refer(network, consent="overridden", consent_override_reason="urgent")
    with pytest.raises(ValidationError):
        refer(network, caseworker=network.admin_a, consent="overridden")
    assert not Referral.objects.exists()
    referral = refer(
        network,
        caseworker=network.admin_a,
        consent="overridden",
        consent_override_reason="the person cannot speak after surgery",
    )
    assert referral.status == "sent"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT consent_override_reason FROM services_referral WHERE id = %s", [referral.pk]
        )
        assert "surgery" not in cursor.fetchone()[0]


def test_without_a_contact_choice_nobody_contacts_the_person(network) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network, contact_channel="")
    actions.referral_transition(referral_id=referral.pk, user=network.caseworker_b, move="accept")
    assert not Notification.objects.filter(message="referral_accepted_person").exists()
    with pytest.raises(ValidationError):
        refer(network, contact_channel="sms", contact_address="")
    with pytest.raises(ValidationError):
        refer(network, contact_channel="email", contact_address="not an address")


def test_the_person_is_told_in_their_language_only_when_they_opted_in(network) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network, contact_channel="sms", contact_address="+33 6 12 34 56 78")
    referral.refresh_from_db()
    actions.referral_transition(referral_id=referral.pk, user=network.caseworker_b, move="accept")
    message = Notification.objects.get(message="referral_accepted_person")
    assert message.channel == "sms"
    assert message.language == "ti"
    assert message.recipient == "+33 6 12 34 56 78"
    # Nothing but the service's name travels with it.
    assert set(message.context) == {"service"}


# --- Moves -----------------------------------------------------------------------------------

ALL_MOVES = ["send", "withdraw", "accept", "decline", "complete", "no_show"]
ALLOWED = {
    "draft": {"send", "withdraw"},
    "sent": {"withdraw", "accept", "decline"},
    "accepted": {"withdraw", "complete", "no_show"},
    "declined": set(),
    "completed": set(),
    "no_show": set(),
    "withdrawn": set(),
}
PATHS = {
    "draft": [],
    "sent": ["send"],
    "accepted": ["send", "accept"],
    "declined": ["send", "decline"],
    "completed": ["send", "accept", "complete"],
    "no_show": ["send", "accept", "no_show"],
    "withdrawn": ["withdraw"],
}


def actor_for(network, move: str):  # type: ignore[no-untyped-def]
    return network.caseworker_a if move in {"send", "withdraw"} else network.caseworker_b


def reach(network, state: str) -> Referral:  # type: ignore[no-untyped-def]
    referral = refer(network, send=False)
    for move in PATHS[state]:
        actions.referral_transition(
            referral_id=referral.pk,
            user=actor_for(network, move),
            move=move,
            decline_reason="full" if move == "decline" else "",
        )
    return Referral.objects.get(pk=referral.pk)


@pytest.mark.parametrize("state", list(ALLOWED))
@pytest.mark.parametrize("move", ALL_MOVES)
def test_every_move_from_every_state(network, state: str, move: str) -> None:  # type: ignore[no-untyped-def]
    referral = reach(network, state)
    before = snapshot(referral)
    call = {
        "referral_id": referral.pk,
        "user": actor_for(network, move),
        "move": move,
        "decline_reason": "full" if move == "decline" else "",
    }
    if move in ALLOWED[state]:
        moved = actions.referral_transition(**call)
        event = ReferralEvent.objects.filter(referral=referral).last()
        assert (event.from_status, event.to_status) == (state, moved.status)
        assert event.actor == call["user"]
        assert moved.is_closed == (moved.status in Referral.CLOSED)
        assert (moved.closed_at is not None) == moved.is_closed
    else:
        never_sent = referral.sent_at is None
        receiver_move = call["user"] == network.caseworker_b
        # Before it is sent, a referral does not exist for the receiving organisation.
        expected = Referral.DoesNotExist if never_sent and receiver_move else ValidationError
        with pytest.raises(expected):
            actions.referral_transition(**call)
        assert snapshot(referral) == before


@pytest.mark.parametrize(
    ("state", "move", "wrong_side"),
    [
        ("draft", "send", "caseworker_b"),
        ("sent", "withdraw", "caseworker_b"),
        ("sent", "accept", "caseworker_a"),
        ("sent", "decline", "caseworker_a"),
        ("accepted", "complete", "caseworker_a"),
        ("accepted", "no_show", "caseworker_a"),
    ],
)
def test_only_the_right_side_makes_each_move(network, state, move, wrong_side) -> None:  # type: ignore[no-untyped-def]
    referral = reach(network, state)
    before = snapshot(referral)
    user = getattr(network, wrong_side)
    if state == "draft":  # a draft does not exist for the receiver yet
        with pytest.raises(Referral.DoesNotExist):
            actions.referral_transition(referral_id=referral.pk, user=user, move=move)
    else:
        with pytest.raises(PermissionDenied):
            actions.referral_transition(
                referral_id=referral.pk, user=user, move=move, decline_reason="full"
            )
    assert snapshot(referral) == before


def test_outsiders_cannot_even_find_a_referral(network) -> None:  # type: ignore[no-untyped-def]
    from portal.accounts import actions as account_actions
    from portal.accounts.roles import Role

    referral = reach(network, "sent")
    before = snapshot(referral)
    third = account_actions.organisation_create(name="Other", slug="org-c")
    outsider = account_actions.user_create(username="cw-c", password=None, notify=False)
    account_actions.membership_create(user=outsider, organisation=third, role=Role.CASEWORKER)
    for user in (outsider, network.resident, network.city_admin):
        with pytest.raises(Referral.DoesNotExist):
            actions.referral_transition(referral_id=referral.pk, user=user, move="accept")
        with pytest.raises(Referral.DoesNotExist):
            actions.referral_open(referral_id=referral.pk, user=user)
    assert snapshot(referral) == before


def test_declining_needs_a_reason(network) -> None:  # type: ignore[no-untyped-def]
    referral = reach(network, "sent")
    before = snapshot(referral)
    with pytest.raises(ValidationError):
        actions.referral_transition(
            referral_id=referral.pk, user=network.caseworker_b, move="decline"
        )
    assert snapshot(referral) == before
    declined = actions.referral_transition(
        referral_id=referral.pk, user=network.caseworker_b, move="decline", decline_reason="full"
    )
    assert declined.decline_reason == "full"
    assert declined.get_decline_reason_display() == str(Referral.DeclineReason.FULL.label)


# --- Notifications ---------------------------------------------------------------------------


def test_sent_notifies_the_receiving_organisation_in_each_members_language(network) -> None:  # type: ignore[no-untyped-def]
    refer(network)
    rows = Notification.objects.filter(message="referral_received")
    assert {(row.recipient, row.language) for row in rows} == {
        ("cw-b@example.org", "ar"),
        ("admin-b@example.org", "fr"),
    }
    assert all(row.context["url"].startswith("http") for row in rows)
    assert "/ar/caseworker/referrals/" in next(
        row.context["url"] for row in rows if row.language == "ar"
    )


def test_every_answer_notifies_the_sender(network) -> None:  # type: ignore[no-untyped-def]
    referral = reach(network, "accepted")
    actions.referral_transition(referral_id=referral.pk, user=network.caseworker_b, move="complete")
    rows = Notification.objects.filter(message="referral_answered").order_by("pk")
    assert [row.context["status"] for row in rows] == ["accepted", "completed"]
    assert {row.recipient for row in rows} == {"cw-a@example.org"}


def test_a_rolled_back_referral_leaves_no_notification(network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction.atomic():
        refer(network)
        assert Notification.objects.exists()  # written in the same transaction …
        raise RuntimeError("the caller's transaction fails after the referral")
    assert not Referral.objects.exists()
    assert not Notification.objects.exists()  # … and gone with it


def test_rendered_messages_say_nothing_about_the_person(network) -> None:  # type: ignore[no-untyped-def]
    from portal.notifications.actions import _render

    referral = refer(
        network,
        note=PLANTED_NOTE,
        client_token="K7PQ-4XM9",
        contact_channel="email",
        contact_address="person@example.org",
    )
    actions.referral_transition(referral_id=referral.pk, user=network.caseworker_b, move="accept")
    for row in Notification.objects.all():
        subject, body = _render(row)
        for secret in ("K7PQ", "Plantée", "person@example.org"):
            assert secret not in subject + body
    person = Notification.objects.get(message="referral_accepted_person")
    # Tigrinya has no name for this service: the fallback language's name is used.
    expected = text_in_language(network.service_b, "name", "ti").text
    assert expected and expected in _render(person)[1]


# --- Notes, audit, retention -----------------------------------------------------------------


def test_notes_are_encrypted_and_seen_by_both_sides_only(network) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network, note=PLANTED_NOTE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM services_referralnote")
        assert "Plantée" not in cursor.fetchone()[0]
    for user in (network.caseworker_a, network.caseworker_b):
        opened = actions.referral_open(referral_id=referral.pk, user=user)
        assert [note.text for note in opened.notes.all()] == [PLANTED_NOTE]


def test_a_note_that_does_not_decrypt_raises(network, settings) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network, note=PLANTED_NOTE)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(DecryptionError):
        list(ReferralNote.objects.filter(referral=referral))


def test_key_rotation_keeps_notes_readable(network, settings) -> None:  # type: ignore[no-untyped-def]
    referral = refer(
        network, note=PLANTED_NOTE, contact_channel="sms", contact_address="+33612345678"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM services_referralnote")
        before = cursor.fetchone()[0]
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM services_referralnote")
        assert cursor.fetchone()[0] != before
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.contact_address == "+33612345678"
    assert ReferralNote.objects.get().text == PLANTED_NOTE


def test_every_read_and_change_is_audited(network) -> None:  # type: ignore[no-untyped-def]
    referral = refer(network)
    actions.referral_open(referral_id=referral.pk, user=network.caseworker_b)
    actions.referral_transition(referral_id=referral.pk, user=network.caseworker_b, move="accept")
    actions.referral_note_add(referral_id=referral.pk, user=network.caseworker_b, text="ok")
    entries = AuditEntry.objects.filter(object_pk=str(referral.pk)).order_by("occurred_at", "pk")
    assert [(entry.actor, entry.action, entry.detail) for entry in entries] == [
        (network.caseworker_a, "create", ""),
        (network.caseworker_a, "change", "send"),
        (network.caseworker_b, "view", ""),
        (network.caseworker_b, "change", "accept"),
        (network.caseworker_b, "change", "note"),
    ]


def test_retention_task_anonymises_once_and_keeps_counts(network) -> None:  # type: ignore[no-untyped-def]
    from services.selectors import referral_statistics
    from services.tasks import referral_retention_task

    old = refer(
        network,
        note=PLANTED_NOTE,
        pseudonym_input="file 9",
        contact_channel="sms",
        contact_address="+33611111111",
    )
    actions.referral_transition(
        referral_id=old.pk, user=network.caseworker_b, move="decline", decline_reason="full"
    )
    recent = reach(network, "completed")
    still_open = reach(network, "accepted")
    stale_draft = refer(network, send=False)
    long_ago = timezone.now() - datetime.timedelta(days=181)
    Referral.objects.filter(pk=old.pk).update(closed_at=long_ago)
    Referral.objects.filter(pk=still_open.pk).update(sent_at=long_ago)
    Referral.objects.filter(pk=stale_draft.pk).update(updated_at=long_ago)
    counted = referral_statistics()["need"].total

    assert referral_retention_task.run() == 1
    assert referral_retention_task.run() == 0  # idempotent

    anonymised = Referral.objects.get(pk=old.pk)
    assert anonymised.anonymised_at is not None
    assert (anonymised.client_token, anonymised.pseudonym, anonymised.contact_address) == (
        "",
        None,
        "",
    )
    assert not ReferralNote.objects.filter(referral=old).exists()
    assert anonymised.status == "declined" and anonymised.service == network.service_b
    assert Referral.objects.get(pk=recent.pk).anonymised_at is None
    assert Referral.objects.get(pk=still_open.pk).client_token  # open referrals are kept
    assert not Referral.objects.filter(pk=stale_draft.pk).exists()
    assert referral_statistics()["need"].total == counted  # the figures survive


def test_expired_notes_are_deleted_by_the_task(network) -> None:  # type: ignore[no-untyped-def]
    from services.tasks import referral_retention_task

    referral = refer(network, note=PLANTED_NOTE)
    actions.referral_note_add(referral_id=referral.pk, user=network.caseworker_b, text="fresh note")
    ReferralNote.objects.filter(text__isnull=False, organisation=network.a).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    opened = actions.referral_open(referral_id=referral.pk, user=network.caseworker_a)
    assert [note.text for note in opened.notes.all()] == ["fresh note"]  # hidden at once
    referral_retention_task.run()
    referral_retention_task.run()
    assert [note.text for note in ReferralNote.objects.all()] == ["fresh note"]
