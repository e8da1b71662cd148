"""Redis stopped during a burst of 1,000 notifications: the web keeps answering and the
outbox keeps every row; once Redis is back, each notification reaches the mail relay
exactly once (by its idempotency key, the Message-ID) within two minutes, even though
a Celery worker is killed with SIGKILL in the middle of sending.

Everything runs for real: a Redis of the test's own (broker and cache), Celery workers
as processes of their own on the test database, Django's SMTP backend talking to a
local SMTP server (tests/fake_smtp.py). The test publishes beat's requeue task itself,
every few seconds instead of every 30 seconds, and the workers requeue rows at once
instead of after 30 seconds (NOTIFICATION_REQUEUE_AFTER_SECONDS=0), to keep it short.

The relay keeps back its answer to DATA once a third of the burst went through, so the
kill lands at a known point of the sending: the worker took its tasks from Redis and
locked its rows, the relay has not taken its messages. (Killed after the relay's 250
and before its commit, a worker would leave a message that goes a second time, with
the same Message-ID: there delivery is at least once, and the key is what lets the
receiving end fold the two.)
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from participation import actions as participation_actions
from participation.models import Council, Meeting, Subscription
from portal import queues
from portal.embedded import postgres_url
from portal.notifications.models import Notification
from portal.notifications.tasks import notification_requeue_pending_task
from tests.fake_smtp import FakeSmtpServer
from tests.redis_server import RedisServer, cache_settings, celery_broker, redis_server

BASE_DIR = Path(__file__).resolve().parents[2]
BURST = 1000
THROUGH_THE_WEB = 10  # follow requests; the meeting announcement makes the rest
CONCURRENCY = 2
REQUEUE_EVERY = 2.0  # seconds; beat's schedule says one minute
# The test settings put Celery on Redis database 1 (portal/settings/test.py).
BROKER_DATABASE = 1
DEADLINE = 120.0  # seconds from Redis's return to the last delivery

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with (
        redis_server() as server,
        override_settings(CACHES=cache_settings(server)),
        celery_broker(server.url(BROKER_DATABASE)),
    ):
        yield server


@pytest.fixture
def relay() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


class Worker:
    """`celery -A portal worker` in a process group of its own, on the test database."""

    def __init__(self, *, redis: RedisServer, relay: FakeSmtpServer, name: str, log: Path) -> None:
        self.name = name
        self.log = log
        self._output = log.open("wb")
        database = connection.settings_dict
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": str(postgres_url(Path(database["HOST"]), database=database["NAME"])),
            "REDIS_URL": redis.url(BROKER_DATABASE),
            "EMAIL_URL": relay.url,
            "NOTIFICATION_REQUEUE_AFTER_SECONDS": "0",
        }
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "portal", "worker"),
                *("--queues", queues.NOTIFICATIONS),  # as the notifications worker in production
                *("--pool", "prefork", "--concurrency", str(CONCURRENCY)),
                *("--hostname", f"{name}@%h", "--loglevel", "WARNING"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=BASE_DIR,
            env=environment,
            start_new_session=True,  # its pool processes share its process group
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL to the main process and its pool processes at once: nothing is
        acknowledged, nothing handed back to Redis, no transaction finished."""
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._output.close()


@pytest.fixture
def workers(
    redis: RedisServer, relay: FakeSmtpServer, tmp_path: Path
) -> Iterator[Callable[[str], Worker]]:
    started: list[Worker] = []

    def start(name: str) -> Worker:
        worker = Worker(redis=redis, relay=relay, name=name, log=tmp_path / f"{name}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:  # before the database is flushed under them
        worker.kill()
        print(f"--- worker {worker.name}:\n{worker.log.read_text(errors='replace')[-3000:]}")


def message_id(notification: Notification) -> str:
    return f"<{notification.idempotency_key}@portal>"


def sent_count() -> int:
    return Notification.objects.filter(status=Notification.Status.SENT).count()


def wait_for(condition: Callable[[], bool], *, until: float, tick: Callable[[], None]) -> None:
    while not condition():
        assert time.monotonic() < until, "not in time"
        tick()
        time.sleep(0.1)


def test_a_burst_survives_redis_down_and_a_killed_worker(
    redis: RedisServer,
    relay: FakeSmtpServer,
    workers: Callable[[str], Worker],
    caplog,  # type: ignore[no-untyped-def]
) -> None:
    council = Council.objects.create(slug="crer", name="Conseil", name_fr="Conseil")
    followers = BURST - THROUGH_THE_WEB
    Subscription.objects.bulk_create(
        Subscription(
            council=council,
            email=f"follower{number}@example.org",
            email_digest=f"digest-{number}",
            language=("fr", "ar", "uk", "es")[number % 4],
            confirmed_at=timezone.now(),
        )
        for number in range(followers)
    )
    meeting = Meeting.objects.create(
        council=council,
        title="Séance",
        title_fr="Séance",
        starts_at=timezone.now() + datetime.timedelta(days=9),
        ends_at=timezone.now() + datetime.timedelta(days=9, hours=2),
        place="Hôtel de ville",
    )

    # Redis goes away; the burst comes anyway.
    redis.stop()
    caplog.set_level(logging.WARNING)
    web_started = time.monotonic()
    for number in range(THROUGH_THE_WEB):
        answer = Client(REMOTE_ADDR=f"198.51.100.{number}").post(
            f"/fr/participate/council/{council.slug}/follow/",
            {"email": f"reader{number}@example.org", "language": "fr"},
        )
        assert answer.status_code == 200
    web_seconds = time.monotonic() - web_started
    assert participation_actions.meeting_announce(meeting=meeting) == followers
    pending = Notification.objects.filter(status=Notification.Status.PENDING)
    assert pending.count() == BURST
    assert "not queued now; it stays pending" in caplog.text
    assert not [record for record in caplog.records if record.name.startswith("celery.backends")]
    assert relay.received() == {}
    expected = {message_id(row) for row in pending}
    print(f"web requests while Redis was down: {web_seconds / THROUGH_THE_WEB:.3f} s each")

    # Redis is back; a worker starts and beat's requeue hands the rows over.
    redis.start()
    back = time.monotonic()
    until = back + DEADLINE
    relay.hold_after(BURST // 3)
    first = workers("first")
    notification_requeue_pending_task.apply_async()  # what beat sends every minute

    # Killed mid-send: both of its pool processes wait for the relay's answer, their
    # rows locked, their tasks taken from the queue and not acknowledged.
    relay.wait_until_waiting(CONCURRENCY, timeout=DEADLINE)
    delivered_before = sent_count()
    assert 0 < delivered_before < BURST
    first.kill()
    wait_for(lambda: len(relay.dropped) == CONCURRENCY, until=until, tick=lambda: None)
    relay.release()  # the two messages were dropped: the relay holds nothing of theirs
    # PostgreSQL rolled back the dead worker's transactions: their rows are pending again.
    cut_short = [key.removeprefix("<").removesuffix("@portal>") for key in relay.dropped]
    assert {row.status for row in Notification.objects.filter(idempotency_key__in=cut_short)} == {
        Notification.Status.PENDING
    }
    # Redis keeps the taken tasks for visibility_timeout (an hour) before giving them to
    # another worker: the outbox's requeue is what brings them back in time.
    queue = redis.client(BROKER_DATABASE)
    assert queue.hlen("unacked") >= CONCURRENCY
    assert queue.llen(queues.NOTIFICATIONS) > 0  # the rest of the burst waits its turn

    workers("second")
    last_requeue = time.monotonic()

    def beat() -> None:
        nonlocal last_requeue
        if time.monotonic() - last_requeue >= REQUEUE_EVERY:
            notification_requeue_pending_task.apply_async()
            last_requeue = time.monotonic()

    wait_for(lambda: sent_count() == BURST, until=until, tick=beat)
    print(f"all {BURST} delivered {time.monotonic() - back:.1f} s after Redis came back")
    # Let the queue drain (requeued copies of delivered rows) before counting.
    wait_for(lambda: queue.llen(queues.NOTIFICATIONS) == 0, until=until, tick=lambda: None)
    time.sleep(1.0)

    received = relay.received()
    assert set(received) == expected  # none lost, none made up
    assert set(received.values()) == {1}  # each once
    assert set(relay.dropped) <= expected
    rows = Notification.objects.all()
    assert {row.status for row in rows} == {Notification.Status.SENT}
    assert not rows.exclude(recipient="").exists()  # addresses erased once sent
    assert not rows.filter(sent_at__isnull=True).exists()
