from celery import shared_task

from participation import actions
from participation.models import Process


@shared_task(acks_late=True)
def process_tally_task(process_id: int) -> int:
    """Tally a closed process; running it again recomputes the same results."""
    process = Process.objects.get(pk=process_id)
    return len(actions.process_tally(process=process))
