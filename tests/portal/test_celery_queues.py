"""Celery queues: notifications, translations and tallies each have their own queue (so
each can have its own workers), everything else goes to the default one; `make run`'s
worker consumes them all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portal import devstack, queues
from portal.celery import app as celery_app

EXPECTED = {
    "portal.notifications.tasks.notification_deliver_task": queues.NOTIFICATIONS,
    "portal.notifications.tasks.notification_requeue_pending_task": queues.NOTIFICATIONS,
    "portal.notifications.tasks.notification_purge_delivered_task": queues.NOTIFICATIONS,
    "portal.i18n.tasks.translation_pretranslate_task": queues.TRANSLATIONS,
    "portal.i18n.tasks.translation_coverage_task": queues.TRANSLATIONS,
    "participation.tasks.process_tally_task": queues.TALLIES,
    "rights_guide.tasks.booklet_build_task": queues.DEFAULT,
    "rights_guide.tasks.guide_vocabulary_refresh_task": queues.DEFAULT,
    "services.tasks.referral_retention_task": queues.DEFAULT,
    "services.tasks.service_facts_refresh_task": queues.DEFAULT,
    "registration.tasks.attestation_erase_expired_task": queues.DEFAULT,
    "discrimination.tasks.report_retention_task": queues.DEFAULT,
}


def portal_tasks() -> set[str]:
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def resolved_queue(name: str) -> str:
    return celery_app.amqp.router.route({}, name)["queue"].name


def test_each_task_is_routed_to_its_queue() -> None:
    assert set(EXPECTED) <= portal_tasks()
    for name, queue in EXPECTED.items():
        assert resolved_queue(name) == queue, name


def test_every_task_lands_in_a_declared_queue() -> None:
    """A task routed to an undeclared queue would wait for a worker that never comes."""
    declared = set(celery_app.amqp.queues)
    assert declared == set(queues.ALL)
    for name in portal_tasks():
        assert resolved_queue(name) in declared, name
    # A new task in one of the routed modules joins that module's queue.
    assert resolved_queue("portal.i18n.tasks.some_future_task") == queues.TRANSLATIONS
    assert resolved_queue("services.tasks.some_future_task") == queues.DEFAULT


@pytest.fixture
def empty_queues() -> Iterator[object]:
    celery_app.control.purge()
    with celery_app.connection_for_write() as connection:
        yield connection.default_channel.client
    celery_app.control.purge()


def test_a_sent_task_reaches_its_queue_and_no_other(empty_queues: object) -> None:
    """On the real Redis, as a web process sends it: one message in the routed queue,
    none in any other."""
    redis = empty_queues
    sent = {
        "portal.notifications.tasks.notification_deliver_task": (0,),
        "portal.i18n.tasks.translation_pretranslate_task": (0, "0", "en"),
        "participation.tasks.process_tally_task": (0,),
        "rights_guide.tasks.booklet_build_task": ("fr", None),
    }
    for name, arguments in sent.items():
        before = {queue: redis.llen(queue) for queue in queues.ALL}  # type: ignore[attr-defined]
        celery_app.tasks[name].apply_async(arguments, retry=False)
        after = {queue: redis.llen(queue) for queue in queues.ALL}  # type: ignore[attr-defined]
        grown = {queue: after[queue] - before[queue] for queue in queues.ALL}
        assert grown == {queue: int(queue == EXPECTED[name]) for queue in queues.ALL}, name


def test_make_run_worker_consumes_every_queue(tmp_path: Path) -> None:
    worker = devstack.process_commands(port=8000, run_dir=tmp_path)["worker"]
    option = next(argument for argument in worker if argument.startswith("--queues="))
    consumed = set(option.removeprefix("--queues=").split(","))
    assert consumed == set(queues.ALL)
    assert set(EXPECTED.values()) <= consumed
