"""Celery tasks of the portal's kernel: thin wrappers over its functions, no arguments.
No result is kept: sending one then never waits on the result store (see
portal/notifications/tasks.py)."""

from celery import shared_task

from portal import page_cache


@shared_task(ignore_result=True)
def page_cache_purge_task() -> int:
    return page_cache.page_cache_purge()
