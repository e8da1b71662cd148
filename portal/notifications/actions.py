"""Writing to the outbox and delivering from it."""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from portal.encryption import DecryptionError
from portal.notifications.models import Notification
from portal.notifications.sms import SmsError, SmsTransientError, get_sms_backend

logger = logging.getLogger(__name__)

# Errors worth another try later; anything else fails the notification at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    SmsTransientError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)


class NotificationRetryLater(Exception):  # noqa: N818 - reads as what the caller should do
    """Delivery failed for a reason that may pass; try again after `delay`."""

    def __init__(self, *, notification_id: int, delay: timedelta) -> None:
        super().__init__(f"notification {notification_id} will be retried")
        self.delay = delay


def _template_names(message: str, channel: str) -> list[str]:
    if channel == Notification.Channel.EMAIL:
        return [f"notifications/{message}/subject.txt", f"notifications/{message}/body.txt"]
    return [f"notifications/{message}/sms.txt"]


def link_in(language: str, url_name: str, *args: object) -> str:
    """A page's full address in `language` (its URL prefix), for a message: links in
    notifications lead to the page in the recipient's language."""
    from django.urls import reverse

    with translation.override(language):
        path = reverse(url_name, args=args)
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def notification_enqueue(
    *,
    channel: Notification.Channel | str,
    recipient: str,
    message: str,
    language: str,
    idempotency_key: str,
    context: dict[str, object] | None = None,
) -> Notification:
    """Put a message in the outbox, in the caller's transaction.

    Celery is asked to deliver it once the transaction commits; a rolled-back change
    leaves no row and sends nothing. Calling twice with one key returns the first row.
    """
    channel = Notification.Channel(channel)
    for name in _template_names(message, channel):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            raise ValidationError(
                f"Unknown notification message {message!r} for {channel}"
            ) from None
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            idempotency_key=idempotency_key,
            defaults={
                "channel": channel,
                "recipient": recipient,
                "message": message,
                "language": language,
                "context": context or {},
            },
        )
        if created:
            notification.full_clean()
            transaction.on_commit(lambda: _hand_to_celery(notification.pk))
    return notification


# After a hand-over fails, this process leaves the broker alone for this long: every
# try costs CELERY_BROKER_CONNECTION_TIMEOUT, so a burst (a meeting announced to a
# thousand followers, in one request) would otherwise wait that long once per message.
# The rows stay pending meanwhile and beat's requeue hands them over.
BROKER_RETRY_AFTER = 10.0  # seconds
_broker_down_until: dict[str, float] = {}  # by broker URL, in time.monotonic()


def _hand_to_celery(notification_id: int) -> bool:
    """Ask Celery to deliver one row; False when the broker cannot be reached now."""
    from portal.notifications.tasks import notification_deliver_task

    broker = str(notification_deliver_task.app.conf.broker_url)
    if time.monotonic() < _broker_down_until.get(broker, 0.0):
        logger.info("notification %s not queued: the broker was unreachable", notification_id)
        return False
    try:
        notification_deliver_task.apply_async((notification_id,), retry=False)
    except Exception:  # the broker is down: the row waits for beat to requeue it
        _broker_down_until[broker] = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning("notification %s not queued now; it stays pending", notification_id)
        return False
    _broker_down_until.pop(broker, None)
    return True


def _render(notification: Notification) -> tuple[str, str]:
    with translation.override(notification.language):
        context = dict(notification.context)
        if notification.channel == Notification.Channel.EMAIL:
            subject_name, body_name = _template_names(notification.message, notification.channel)
            subject = " ".join(render_to_string(subject_name, context).split())
            return subject, render_to_string(body_name, context).strip()
        (sms_name,) = _template_names(notification.message, notification.channel)
        return "", " ".join(render_to_string(sms_name, context).split())


def _send(notification: Notification) -> None:
    subject, text = _render(notification)
    if notification.channel == Notification.Channel.EMAIL:
        email = EmailMessage(
            subject=subject,
            body=text,
            to=[notification.recipient],
            headers={"Message-ID": f"<{notification.idempotency_key}@portal>"},
        )
        email.send(fail_silently=False)
    else:
        get_sms_backend().send(
            to=notification.recipient, text=text, reference=notification.idempotency_key
        )


def notification_deliver(*, notification_id: int) -> Notification | None:
    """Send one pending notification, at most once.

    The row is locked while it is sent, so two workers given the same id (a requeue, a
    redelivered task) cannot both send it: the second finds it sent and stops.
    Raises NotificationRetryLater on a transient error while attempts remain.
    """
    retry_after: timedelta | None = None
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:  # purged after delivery: nothing left to do
            return None
        if notification.status != Notification.Status.PENDING:
            return notification
        notification.attempts += 1
        try:
            _send(notification)
        except TRANSIENT_ERRORS as error:
            notification.last_error = type(error).__name__
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                notification.recipient = ""
            else:
                retry_after = backoff(notification.attempts)
                notification.next_attempt_at = timezone.now() + retry_after
        except (SmsError, smtplib.SMTPException, DecryptionError, ValueError) as error:
            notification.last_error = type(error).__name__
            notification.status = Notification.Status.FAILED
            notification.recipient = ""
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.recipient = ""
            notification.last_error = ""
        notification.save()
    if notification.status == Notification.Status.FAILED:
        logger.warning("notification %s failed: %s", notification.pk, notification.last_error)
    if retry_after is not None:
        raise NotificationRetryLater(notification_id=notification.pk, delay=retry_after)
    return notification


def notification_requeue_pending() -> int:
    """Hand Celery every pending row whose turn has come and that nobody is sending.

    Rows committed while Redis was down, or whose task was lost, are found here (a
    worker killed while sending had its row locked only by its own transaction, which
    PostgreSQL rolled back: the row is pending again). Stops at the first row the
    broker cannot take. Returns how many were handed over.
    """
    now = timezone.now()
    due = Notification.objects.filter(
        status=Notification.Status.PENDING,
        created_at__lte=now - settings.NOTIFICATION_REQUEUE_AFTER,
    ).exclude(next_attempt_at__gt=now)
    ids = list(due.values_list("pk", flat=True)[:5000])
    handed = 0
    for notification_id in ids:
        if not _hand_to_celery(notification_id):
            break
        handed += 1
    return handed


def notification_purge_delivered() -> int:
    """Delete sent and failed rows older than the retention period."""
    cutoff = timezone.now() - settings.NOTIFICATION_DELIVERED_RETENTION
    deleted, _by_model = Notification.objects.filter(
        status__in=[Notification.Status.SENT, Notification.Status.FAILED],
        updated_at__lt=cutoff,
    ).delete()
    return deleted
