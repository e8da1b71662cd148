"""The transactional outbox: written with the change, delivered once by a real worker,
in the recipient's language, retried on transient errors, never lost."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings

from portal.notifications import actions
from portal.notifications.models import Notification
from portal.notifications.tasks import notification_deliver_task, notification_requeue_pending_task
from tests.fake_smtp import FakeSmtpServer


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def enqueue(key: str = "event:1", language: str = "fr", **overrides: object) -> Notification:
    values: dict[str, object] = {
        "channel": "email",
        "recipient": "person@example.org",
        "message": "account_created",
        "language": language,
        "idempotency_key": key,
        "context": {"username": "amina"},
    }
    values.update(overrides)
    return actions.notification_enqueue(**values)  # type: ignore[arg-type]


def stored(notification: Notification) -> Notification:
    return Notification.objects.get(pk=notification.pk)


def test_committed_notification_is_delivered_by_the_worker_in_the_recipient_language(
    celery_worker: object, outbox: list[mail.EmailMessage]
) -> None:
    with transaction.atomic():
        arabic = enqueue("event:ar", language="ar")
        french = enqueue("event:fr", language="fr")
    wait_for(lambda: len(outbox) == 2)
    wait_for(lambda: stored(arabic).status == stored(french).status == Notification.Status.SENT)
    by_recipient_language = {message.extra_headers["Message-ID"]: message for message in outbox}
    arabic_mail = by_recipient_language["<event:ar@portal>"]
    french_mail = by_recipient_language["<event:fr@portal>"]
    assert "amina" in arabic_mail.body and "amina" in french_mail.body
    assert any("\u0600" <= character <= "\u06ff" for character in arabic_mail.subject)
    assert "compte" in french_mail.subject.lower()
    # The address is erased once the message has gone.
    assert stored(arabic).recipient == ""
    assert stored(arabic).sent_at is not None


def test_rolled_back_change_writes_and_sends_nothing(
    celery_worker: object, outbox: list[mail.EmailMessage]
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("event:rolled-back")
        raise RuntimeError("the change failed")
    time.sleep(1.0)
    assert not Notification.objects.exists()
    assert outbox == []


def test_same_idempotency_key_gives_one_row_and_one_message(
    celery_worker: object, outbox: list[mail.EmailMessage]
) -> None:
    first = enqueue("event:twice")
    second = enqueue("event:twice", recipient="other@example.org")
    assert first.pk == second.pk
    wait_for(lambda: stored(first).status == Notification.Status.SENT)
    time.sleep(0.5)
    assert len(outbox) == 1
    assert outbox[0].to == ["person@example.org"]


@pytest.mark.django_db(transaction=True)
def test_delivery_task_run_twice_sends_once(outbox: list[mail.EmailMessage]) -> None:
    notification = enqueue("event:run-twice")
    assert notification_deliver_task.run(notification.pk) == "sent"
    assert notification_deliver_task.run(notification.pk) == "sent"
    assert len(outbox) == 1


@pytest.mark.django_db
def test_unknown_message_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValidationError):
        enqueue("event:bad", message="no_such_message")
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_address_is_encrypted_in_the_database() -> None:
    from django.db import connection

    notification = enqueue("event:encrypted", recipient="secret.person@example.org")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient FROM notifications_notification WHERE id = %s", [notification.pk]
        )
        (raw,) = cursor.fetchone()
    assert "secret.person" not in raw
    assert stored(notification).recipient == "secret.person@example.org"


@pytest.mark.django_db(transaction=True)
@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=1,  # nothing listens: connection refused, a transient error
    EMAIL_TIMEOUT=2,
    NOTIFICATION_MAX_ATTEMPTS=3,
)
def test_transient_errors_are_retried_with_backoff_then_given_up() -> None:
    notification = enqueue("event:smtp-down")
    delays = []
    for _attempt in range(2):
        with pytest.raises(actions.NotificationRetryLater) as later:
            actions.notification_deliver(notification_id=notification.pk)
        delays.append(later.value.delay.total_seconds())
        row = stored(notification)
        assert row.status == Notification.Status.PENDING
        assert row.last_error == "ConnectionRefusedError"
        assert row.recipient == "person@example.org"
    assert delays == [30.0, 60.0]
    actions.notification_deliver(notification_id=notification.pk)
    row = stored(notification)
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 3
    assert row.recipient == ""  # given up: the address is not kept


@pytest.mark.django_db(transaction=True)
def test_a_message_the_relay_took_is_not_sent_again_when_its_goodbye_fails(
    settings: object,
) -> None:
    """The relay answers 250 to the message, then never answers QUIT: the message is
    delivered, and marked so, rather than retried (and received twice). smtplib reports
    the timeout as a disconnection, which Django's backend closes quietly; this keeps
    it so whatever carries the mail."""
    with FakeSmtpServer() as relay:
        relay.answers_quit = False
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # type: ignore[attr-defined]
        settings.EMAIL_HOST = "127.0.0.1"  # type: ignore[attr-defined]
        settings.EMAIL_PORT = relay.port  # type: ignore[attr-defined]
        settings.EMAIL_TIMEOUT = 1  # type: ignore[attr-defined]
        notification = enqueue("event:goodbye")
        actions.notification_deliver(notification_id=notification.pk)
        actions.notification_deliver(notification_id=notification.pk)
        assert stored(notification).status == Notification.Status.SENT
        assert relay.received() == {"<event:goodbye@portal>": 1}


@pytest.mark.django_db(transaction=True)
def test_sms_goes_through_the_gateway_in_the_recipient_language(
    settings: object, tmp_path: object
) -> None:
    settings.OUTBOX_LOG_DIR = tmp_path  # type: ignore[attr-defined]
    notification = enqueue("event:sms", channel="sms", recipient="+33600000000", language="uk")
    actions.notification_deliver(notification_id=notification.pk)
    log = (tmp_path / "sms.log").read_text(encoding="utf-8")  # type: ignore[operator]
    assert "+33600000000" in log
    assert "amina" in log
    assert any("\u0400" <= character <= "\u04ff" for character in log)  # Ukrainian text
    assert stored(notification).status == Notification.Status.SENT


def test_committed_row_never_handed_to_celery_is_delivered_by_the_beat_requeue(
    celery_worker: object, outbox: list[mail.EmailMessage], settings: object
) -> None:
    """As when the web process died between commit and publish, or Redis was down."""
    from datetime import timedelta

    settings.NOTIFICATION_REQUEUE_AFTER = timedelta(0)  # type: ignore[attr-defined]
    row = Notification.objects.create(
        idempotency_key="event:orphan",
        channel="email",
        recipient="person@example.org",
        message="account_created",
        language="es",
        context={"username": "amina"},
    )
    time.sleep(0.5)
    assert outbox == []
    assert notification_requeue_pending_task.run() == 1
    wait_for(lambda: stored(row).status == Notification.Status.SENT)
    # A second requeue finds nothing to do and sends nothing more.
    assert notification_requeue_pending_task.run() == 0
    time.sleep(0.5)
    assert len(outbox) == 1
    assert "cuenta" in outbox[0].subject.lower()


def test_broker_down_at_commit_does_not_break_the_request(
    transactional_db: None,
    outbox: list[mail.EmailMessage],
    caplog: pytest.LogCaptureFixture,
    settings: object,
) -> None:
    """The change commits and the rows wait; nothing is raised to the person. A burst
    tries the broker once, not once per message, and the result store (the same Redis,
    down too) is not waited for; beat's requeue stops at the first refusal too."""
    from datetime import timedelta

    from tests.redis_server import celery_broker

    settings.NOTIFICATION_REQUEUE_AFTER = timedelta(0)  # type: ignore[attr-defined]
    caplog.set_level(logging.INFO)
    with celery_broker("redis://127.0.0.1:1/0"):  # nothing listens there
        with transaction.atomic():
            burst = [enqueue(f"event:broker-down:{number}") for number in range(50)]
        assert notification_requeue_pending_task.run() == 0
    assert {stored(row).status for row in burst} == {Notification.Status.PENDING}
    tries = [record for record in caplog.records if "stays pending" in record.getMessage()]
    assert len(tries) == 1
    assert not [record for record in caplog.records if record.name.startswith("celery.backends")]
