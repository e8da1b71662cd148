from celery import shared_task

from services import actions


@shared_task
def referral_retention_task() -> int:
    """Anonymise referrals closed for longer than the retention period; drop expired notes."""
    actions.referral_note_purge_expired()
    return actions.referral_anonymise_closed()
