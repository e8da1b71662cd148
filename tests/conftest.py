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
    Started without queues named, it consumes every declared one (portal/queues.py).

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


@pytest.fixture(autouse=True)
def _force_login_completes_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """In a test, `client.force_login(staff)` stands for a whole sign-in: password and
    second factor. The second factor's own tests sign in step by step instead
    (tests/accounts/test_second_factor.py), with `password_only_login`."""
    from django.test import Client

    from portal.accounts.selectors import second_factor_required
    from tests.second_factor import verify_session

    original = Client.force_login

    def force_login(self: Client, user: object, backend: str | None = None) -> None:
        original(self, user, backend)
        if second_factor_required(user=user):
            verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "password_only_login", original, raising=False)


@pytest.fixture(autouse=True)
def _fresh_content_type_cache() -> None:
    """ContentType ids are cached per process. A test that creates content types inside
    its rolled-back transaction (seed_demo syncs role permissions) would leave ids that
    no longer exist for the next test's audit entries: start each test with none."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
