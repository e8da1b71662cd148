"""Fixtures shared by the suite: a real Celery worker on the real (embedded) Redis."""

from __future__ import annotations

from collections.abc import Iterator

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for start_worker
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from portal.celery import app as celery_app


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[object]:
    """A real Celery worker consuming from Redis, in this process, on the test database.

    Stale messages from earlier runs are purged first so they cannot reach this test.
    """
    celery_app.control.purge()
    with start_worker(
        celery_app,
        pool="solo",
        perform_ping_check=True,
        loglevel="WARNING",
        shutdown_timeout=20,
    ) as worker:
        yield worker
    celery_app.control.purge()


@pytest.fixture
def outbox() -> list[mail.EmailMessage]:
    mail.outbox = []
    return mail.outbox
