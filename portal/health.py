"""Checks behind /healthz: each answers quickly, even when its service is down."""

from __future__ import annotations

from typing import Any

import redis
from django.conf import settings
from django.db import connection


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        connection.close_if_unusable_or_obsolete()
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok"}


def check_redis() -> dict[str, Any]:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        client.close()
    except Exception as error:
        return {"status": "down", "error": type(error).__name__}
    return {"status": "ok"}


def check_celery(*, timeout: float | None = None) -> dict[str, Any]:
    """At least one worker answers a broadcast ping within `timeout` seconds
    (HEALTH_CELERY_PING_TIMEOUT; the check always waits that long for every answer)."""
    from portal.celery import app

    timeout = settings.HEALTH_CELERY_PING_TIMEOUT if timeout is None else timeout

    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=1)
            replies = app.control.ping(timeout=timeout, connection=broker) or []
    except Exception as error:
        return {"status": "down", "error": type(error).__name__}
    if not replies:
        return {"status": "down", "error": "no worker answered"}
    return {"status": "ok", "workers": len(replies)}


def check_all() -> dict[str, Any]:
    checks = {"database": check_database(), "redis": check_redis()}
    checks["celery"] = (
        check_celery()
        if checks["redis"]["status"] == "ok"
        else {"status": "down", "error": "redis"}
    )
    overall = "ok" if all(check["status"] == "ok" for check in checks.values()) else "down"
    return {"status": overall, **checks}
