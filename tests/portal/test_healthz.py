"""/healthz tells an operator (and docker compose) whether each part is up."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings


@override_settings(HEALTH_CELERY_PING_TIMEOUT=2.0)  # the production default is 1 s
def test_all_ok_with_database_redis_and_a_worker(client: Client, celery_worker: object) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["redis"]["status"] == "ok"
    assert body["celery"]["status"] == "ok"
    assert body["celery"]["workers"] >= 1
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_no_worker_is_503(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"]["status"] == "ok"
    assert body["celery"] == {"status": "down", "error": "no worker answered"}


@pytest.mark.django_db
@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_redis_unreachable_is_503(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"]["status"] == "down"
    assert response.json()["celery"]["status"] == "down"


@pytest.mark.django_db(transaction=True)
def test_database_unreachable_is_503(client: Client) -> None:
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["status"] == "down"
    assert "password" not in response.content.decode().lower()
