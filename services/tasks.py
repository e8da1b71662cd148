from celery import shared_task

from services import actions


@shared_task
def referral_retention_task() -> int:
    """Anonymise referrals closed for longer than the retention period; drop expired notes."""
    actions.referral_note_purge_expired()
    return actions.referral_anonymise_closed()


@shared_task
def service_assurance_reminders_task() -> int:
    """Ask organisations to confirm services whose information is getting old."""
    return actions.service_assurance_reminders()


@shared_task
def service_facts_refresh_task() -> None:
    """Rebuild the directory's filter rows: hours valid from today count from today."""
    from services import search

    search.facts_refresh()
