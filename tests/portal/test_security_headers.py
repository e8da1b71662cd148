"""Where the position may be asked for, the end of idle or old signed-in sessions, and
per-reader limits behind nginx (the headers of every page: tests/quality/test_crawl.py)."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from portal.security import SEEN, STARTED


@pytest.mark.django_db
def test_only_the_directory_search_may_ask_for_the_position(client: Client) -> None:
    assert "geolocation=(self)" in client.get("/fr/services/")["Permissions-Policy"]
    for url in ("/fr/", "/fr/guide/", "/ar/guide/report/"):
        policy = client.get(url)["Permissions-Policy"]
        assert "geolocation=()" in policy and "camera=()" in policy


def _signed_in(admin_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    assert client.get("/fr/admin/").status_code == 200
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("key", "age"), [(SEEN, 31 * 60), (STARTED, 12 * 3600 + 60)])
def test_idle_or_old_sessions_end_on_the_server(admin_user, key: str, age: int) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(admin_user)
    session = client.session
    session[key] = time.time() - age
    session.save()
    old_key = session.session_key
    response = client.get("/fr/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Session.objects.filter(session_key=old_key).exists()  # flushed, not just expired


@pytest.mark.django_db
def test_an_active_session_lives_on_and_logout_ends_it_on_the_server(admin_user) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(admin_user)
    session = client.session
    session[SEEN] = time.time() - 29 * 60  # used 29 minutes ago: still fine
    session.save()
    assert client.get("/fr/admin/").status_code == 200
    old_key = client.session.session_key
    client.post("/fr/admin/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = old_key
    assert replay.get("/fr/admin/").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("trusted", [True, False])
def test_behind_nginx_each_reader_has_their_own_limit(settings, trusted: bool) -> None:  # type: ignore[no-untyped-def]
    """Without X-Real-IP every reader would share nginx's address and its limit."""
    from django.core.cache import cache

    cache.clear()
    settings.TRUST_X_REAL_IP = trusted
    settings.VERIFY_RATE_PER_HOUR = 1
    nginx = "172.18.0.5"
    first = Client(REMOTE_ADDR=nginx, HTTP_X_REAL_IP="198.51.100.20")
    second = Client(REMOTE_ADDR=nginx, HTTP_X_REAL_IP="198.51.100.21")
    assert first.get("/fr/register/verify/?code=AAAA").status_code == 200
    second_status = second.get("/fr/register/verify/?code=AAAA").status_code
    # Trusted: another reader, another count. Not trusted: the header is ignored.
    assert second_status == (200 if trusted else 429)
    # A malformed header counts under the connection's address (nginx's, not yet used
    # when trusted; already over the limit when the header is ignored).
    malformed = Client(REMOTE_ADDR=nginx, HTTP_X_REAL_IP="not-an-address")
    assert malformed.get("/fr/register/verify/?code=AAAA").status_code == (200 if trusted else 429)
    cache.clear()
