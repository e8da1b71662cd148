"""Redis stopped under the portal: the public forms that count requests per address (a
discrimination report, following the council, voting with a code, checking an
attestation) still answer the resident and store what they sent; the counters are
skipped with a warning and count again once Redis is back.

The cache runs on a Redis server of its own (tests/redis_server.py), stopped and started
again on the same port by this test."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from discrimination.models import Report
from participation.models import Council, Subscription
from portal.notifications.models import Notification
from tests.discrimination.test_reports import FORM as REPORT
from tests.redis_server import RedisServer, cache_settings, redis_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis() -> Iterator[RedisServer]:
    with redis_server() as server, override_settings(CACHES=cache_settings(server)):
        yield server


def test_public_forms_keep_working_while_redis_is_down(redis: RedisServer, caplog) -> None:  # type: ignore[no-untyped-def]
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


def _keys(redis: RedisServer) -> list[bytes]:
    return list(redis.client().scan_iter("*"))
