from celery import shared_task

from discrimination import actions


@shared_task
def report_retention_task() -> int:
    """Erase the texts and contact details of reports closed longer than the retention
    period; their categories stay for the observatory."""
    return actions.report_erase_closed()
