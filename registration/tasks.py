from celery import shared_task

from registration import actions


@shared_task
def attestation_erase_expired_task() -> int:
    return actions.attestation_erase_expired()
