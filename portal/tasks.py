"""Celery tasks of the portal's kernel: thin wrappers over its functions, no arguments."""

from celery import shared_task

from portal import page_cache


@shared_task
def page_cache_purge_task() -> int:
    return page_cache.page_cache_purge()
