"""Celery tasks of the outbox: thin wrappers over actions, ids only."""

from celery import shared_task

from portal.notifications import actions


@shared_task(bind=True, max_retries=None, acks_late=True)
def notification_deliver_task(self, notification_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        notification = actions.notification_deliver(notification_id=notification_id)
    except actions.NotificationRetryLater as later:
        raise self.retry(countdown=later.delay.total_seconds()) from None
    return notification.status if notification is not None else "gone"


@shared_task
def notification_requeue_pending_task() -> int:
    return actions.notification_requeue_pending()


@shared_task
def notification_purge_delivered_task() -> int:
    return actions.notification_purge_delivered()
