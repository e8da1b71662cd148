"""Caching of public pages: what nginx and browsers may keep, what they never keep, and
the purge that makes an edit reach readers within the browser's max-age."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings

from tests.factories.guide import ArticleFactory

pytestmark = pytest.mark.django_db


def test_anonymous_public_pages_may_be_kept_for_the_max_age(client: Client) -> None:
    article = ArticleFactory(is_published=True)
    for url in ("/fr/", "/ar/guide/", f"/fr/guide/{article.topic.slug}/{article.slug}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60", url
        assert not response.has_header("X-Accel-Expires")  # no purge: nginx keeps 60 s too
    assert client.get("/fr/guide/no-such-topic/")["Cache-Control"] == "public, max-age=60"


def test_pages_for_someone_signed_in_are_never_kept(client: Client) -> None:
    from tests.factories.accounts import UserFactory

    user = UserFactory(is_staff=True)
    user.save()
    client.force_login(user)
    for url in ("/fr/", "/fr/guide/"):
        assert client.get(url)["Cache-Control"] == "private, no-store", url
    admin = client.get("/fr/admin/")["Cache-Control"]  # the admin's own never_cache
    assert "private" in admin and "no-store" in admin


def test_pages_that_set_a_cookie_or_answer_a_form_are_not_public(
    client: Client, rf: RequestFactory
) -> None:
    from django.contrib.auth.models import AnonymousUser

    from portal.page_cache import PageCacheMiddleware

    def sets_a_cookie(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("a page")
        response.set_cookie("csrftoken", "token")
        return response

    request = rf.get("/fr/guide/report/")
    request.user = AnonymousUser()
    assert not PageCacheMiddleware(sets_a_cookie)(request).has_header("Cache-Control")
    with_cookie = Client()
    with_cookie.cookies["sessionid"] = "whatever"
    assert "public" not in with_cookie.get("/fr/").get("Cache-Control", "")
    sent = client.post("/fr/guide/report/", {})
    assert "public" not in sent.get("Cache-Control", "")
    assert client.get("/healthz").get("Cache-Control") == "no-store"


def _cache_file(directory: Path, name: str) -> Path:
    path = directory / name[-1] / name[-3:-1] / name  # nginx's levels=1:2
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"KEY: httpsGETportal.example.org/fr/\n<html>old</html>")
    return path


def test_an_edit_empties_nginx_cache_once_committed(
    tmp_path: Path, client: Client, django_capture_on_commit_callbacks: object
) -> None:
    cached = _cache_file(tmp_path, "0123456789abcdef0123456789abcdef")
    writing = tmp_path / "f" / "ed" / "0123456789abcdef0123456789abcfed.0000000001"
    writing.parent.mkdir(parents=True)
    writing.write_bytes(b"nginx is writing this one")
    with override_settings(PAGE_CACHE_PURGE_DIR=str(tmp_path)):
        response = client.get("/fr/")
        assert response["X-Accel-Expires"] == "600"  # nginx keeps it until an edit
        with django_capture_on_commit_callbacks(execute=False) as callbacks:  # type: ignore[operator]
            article = ArticleFactory(is_published=True)
        assert cached.exists()  # not before the commit
        for callback in callbacks:
            callback()
        assert not cached.exists()
        assert writing.exists()  # a file nginx is still writing is left alone

        again = _cache_file(tmp_path, "fedcba9876543210fedcba9876543210")
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            article.delete()
        assert not again.exists()


def test_a_ballot_or_a_referral_does_not_empty_the_cache(
    tmp_path: Path, django_capture_on_commit_callbacks: object
) -> None:
    from tests.factories.accounts import UserFactory

    cached = _cache_file(tmp_path, "0123456789abcdef0123456789abcdef")
    with (
        override_settings(PAGE_CACHE_PURGE_DIR=str(tmp_path)),
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        UserFactory()  # not published content
    assert cached.exists()


@pytest.mark.django_db(transaction=True)
def test_with_a_replica_the_cache_is_emptied_again_when_it_has_caught_up(
    tmp_path: Path, celery_worker: object
) -> None:
    """A reader whose page was read from a lagging replica just after the first purge
    must not keep the old text in nginx for ten minutes."""
    import time

    with override_settings(
        PAGE_CACHE_PURGE_DIR=str(tmp_path),
        PAGE_CACHE_REPLICA_LAG_SECONDS=1,
        DATABASE_ROUTERS=["portal.db_router.ReplicaRouter"],
    ):
        ArticleFactory(is_published=True)  # committed: the first purge ran
        stale = _cache_file(tmp_path, "0123456789abcdef0123456789abcdef")  # from the replica
        deadline = time.monotonic() + 20
        while stale.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not stale.exists()


@pytest.fixture
def redis_pages() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    with override_settings(PAGE_CACHE_REDIS=True):
        yield
    cache.clear()


def _queries_and_page(client: Client, url: str) -> tuple[int, str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def test_a_public_page_is_built_once_per_edit(
    client: Client, redis_pages: None, django_capture_on_commit_callbacks: object
) -> None:
    article = ArticleFactory(is_published=True, title_fr="Le droit au logement")
    url = f"/fr/guide/{article.topic.slug}/{article.slug}/"
    built, page = _queries_and_page(client, url)
    assert built > 0 and "Le droit au logement" in page
    kept, again = _queries_and_page(client, url)
    assert (kept, again) == (0, page)  # from Redis, not one query

    article.title_fr = "Le droit à un logement décent"
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        article.save()
    rebuilt, corrected = _queries_and_page(client, url)
    assert rebuilt > 0 and "Le droit à un logement décent" in corrected


def test_directory_pages_are_kept_one_minute_for_open_now(
    client: Client, redis_pages: None, tmp_path: Path
) -> None:
    with override_settings(PAGE_CACHE_PURGE_DIR=str(tmp_path)):
        first = client.get("/fr/services/")
        assert first["Cache-Control"] == "public, max-age=60"
        assert first["X-Accel-Expires"] == "60"  # not the ten minutes of other pages
        assert client.get("/fr/guide/")["X-Accel-Expires"] == "600"
    kept, _page = _queries_and_page(client, "/fr/services/")
    assert kept == 0


def test_signed_in_people_and_forms_never_get_a_kept_page(
    client: Client, redis_pages: None
) -> None:
    from tests.factories.accounts import UserFactory

    _queries_and_page(client, "/fr/")  # kept for anonymous readers
    assert _queries_and_page(client, "/fr/")[0] == 0
    user = UserFactory(is_staff=True)
    user.save()
    client.force_login(user)
    built, _page = _queries_and_page(client, "/fr/")
    assert built > 0
    assert client.get("/fr/")["Cache-Control"] == "private, no-store"


def test_with_redis_away_pages_are_built_every_time(client: Client) -> None:
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(PAGE_CACHE_REDIS=True, CACHES=dead):
        for _ in range(2):
            built, page = _queries_and_page(client, "/fr/guide/")
            assert built > 0 and "<h1" in page
