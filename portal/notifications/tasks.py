"""Celery tasks of the outbox: thin wrappers over actions, ids only.

Their outcome is the outbox row itself, so none keeps a result: handing a task over
then touches only the broker, never the result store. (A task that keeps its result
makes the sender subscribe to the result store first; with Redis down that retried
for about twenty seconds per notification, inside the web request.)"""

from celery import shared_task

from portal.notifications import actions


@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def notification_deliver_task(self, notification_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        notification = actions.notification_deliver(notification_id=notification_id)
    except actions.NotificationRetryLater as later:
        raise self.retry(countdown=later.delay.total_seconds()) from None
    return notification.status if notification is not None else "gone"


@shared_task(ignore_result=True)
def notification_requeue_pending_task() -> int:
    return actions.notification_requeue_pending()


@shared_task(ignore_result=True)
def notification_purge_delivered_task() -> int:
    return actions.notification_purge_delivered()
