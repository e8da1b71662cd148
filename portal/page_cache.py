"""The page cache of anonymous public pages: the headers that let nginx and the reader's
browser keep a page, and the purge that empties nginx's cache after an edit.

A public read (`portal.db_router.is_public_read`: GET or HEAD, no session, CSRF cookie or
Authorization, outside the admin, API and staff areas) answered 200, 301 or 404
without setting a cookie gets `Cache-Control: public, max-age=PAGE_CACHE_MAX_AGE`. Every
page for a signed-in person gets `Cache-Control: private, no-store`: never kept by nginx
nor by a shared computer's browser. A view that set its own Cache-Control keeps it.

nginx's copy: with `PAGE_CACHE_PURGE_DIR` (nginx's cache directory, shared with the web
and worker containers) every edit of published content empties it once the edit is
committed, so nginx may keep pages for `PAGE_CACHE_PROXY_SECONDS` (`X-Accel-Expires`,
which nginx reads and does not pass on) and a reader sees a correction after at most the
browser's max-age (with a read replica, the cache is emptied again
PAGE_CACHE_REPLICA_LAG_SECONDS later, when the replica has the edit too). Without it
nginx keeps a page for the max-age too, so a correction
may take twice the max-age to reach every reader (docs/deployment.md).

Redis's copy: gunicorn keeps the same pages in Redis, under a key that holds a content
version changed by every edit, so a page nginx has not cached (another nginx, a cookie
the cache ignores, a query nobody asked before) is built once per edit, not per
request. Views whose page changes with the clock (`page_cache_seconds`) are kept less."""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from portal.db_router import _never_cached, is_public_read

logger = logging.getLogger(__name__)

CACHEABLE_STATUSES = {200, 301, 404}
VERSION_KEY = "page-cache-version"

# What readers see on public pages: an edit of any of these empties nginx's cache.
PUBLISHED_MODELS = (
    "portal.HomeNotice",
    "accounts.Organisation",
    "rights_guide.Topic",
    "rights_guide.Situation",
    "rights_guide.Article",
    "services.Taxonomy",
    "services.TaxonomyTerm",
    "services.Service",
    "services.Location",
    "services.Address",
    "services.Accessibility",
    "services.ServiceAtLocation",
    "services.Phone",
    "services.Contact",
    "services.Schedule",
    "services.Closure",
    "services.Language",
    "services.RequiredDocument",
    "services.CostOption",
    "services.Attribute",
    "participation.Process",
    "participation.District",
    "participation.Proposal",
    "participation.TallyResult",
    "participation.Council",
    "participation.CouncilMember",
    "participation.Meeting",
    "participation.AgendaItem",
    "participation.MeetingDocument",
    "participation.Attendance",
    "participation.Recommendation",
    "participation.RecommendationEvent",
)


def page_cache_seconds(seconds: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """For a view whose page changes with time, not only with edits (the directory's
    "open now"): nginx and Redis keep it at most `seconds`."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        view.page_cache_seconds = seconds  # type: ignore[attr-defined]
        return view

    return mark


# One round trip per page: the content version and the page kept under it.
_LOOKUP = """
local version = redis.call('GET', KEYS[1])
if not version then return {false, false} end
return {version, redis.call('GET', ARGV[1] .. version .. ':' .. ARGV[2])}
"""
PAGE_PREFIX = "page-cache:"
_clients: dict[str, Any] = {}


def _redis() -> Any:
    """A client of the cache's Redis, one per process and address (Django's cache
    builds a client per command, which cost more than the page it fetched)."""
    import redis

    url = settings.CACHES["default"]["LOCATION"]
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.page_lookup = client.register_script(_LOOKUP)  # type: ignore[attr-defined]
        _clients[url] = client
    return client


def content_version() -> str:
    """Changes with every committed edit of published content: part of every Redis page
    key, so an edit makes every page built before it unreachable."""
    client = _redis()
    client.set(VERSION_KEY, uuid.uuid4().hex, nx=True)
    return client.get(VERSION_KEY).decode()


def content_changed() -> None:
    _redis().set(VERSION_KEY, uuid.uuid4().hex)


def _lookup(digest: str) -> tuple[str, HttpResponse | None]:
    """The content version, and the page kept under it for `digest` (None if none)."""
    version, page = _redis().page_lookup(keys=[VERSION_KEY], args=[PAGE_PREFIX, digest])
    if version is None:
        return content_version(), None
    return version.decode(), (pickle.loads(page) if page is not None else None)  # noqa: S301 - our own pickles, in our own Redis


def _keep(version: str, digest: str, response: HttpResponse, seconds: int) -> None:
    _redis().set(f"{PAGE_PREFIX}{version}:{digest}", pickle.dumps(response), ex=seconds)


def _view_seconds(request: HttpRequest) -> int | None:
    """How long this request's page may be kept, or None when it must not be: not a
    public read, a view that says never_cache, no language prefix (/ redirects by the
    browser's languages)."""
    if not is_public_read(request) or request.path_info == "/":
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    if _never_cached(match.func):
        return None
    return min(
        getattr(match.func, "page_cache_seconds", settings.PAGE_CACHE_PROXY_SECONDS),
        settings.PAGE_CACHE_PROXY_SECONDS,
    )


def _page_digest(request: HttpRequest) -> str:
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return hashlib.sha256(where.encode()).hexdigest()


class PageCacheMiddleware:
    """Sets the caching headers described above on every response, and keeps the pages
    of public reads in Redis until the next edit (or their view's shorter time), so a
    page nginx has not cached costs gunicorn a Redis read. Redis away: pages are built
    every time, nothing fails."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = _view_seconds(request) if request.method in ("GET", "HEAD") else None
        kept_under = None
        if seconds and settings.PAGE_CACHE_REDIS:
            digest = _page_digest(request)  # DisallowedHost goes on to Django's 400
            try:
                version, cached = _lookup(digest)
                kept_under = (version, digest)
            except Exception:  # Redis away
                logger.warning("page cache unreachable", exc_info=True)
                cached = None
            if cached is not None:
                return cached
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        elif (
            is_public_read(request)
            and response.status_code in CACHEABLE_STATUSES
            and not response.cookies
        ):
            max_age = min(settings.PAGE_CACHE_MAX_AGE, seconds or settings.PAGE_CACHE_MAX_AGE)
            response["Cache-Control"] = f"public, max-age={max_age}"
            if settings.PAGE_CACHE_PURGE_DIR:
                response["X-Accel-Expires"] = str(seconds or settings.PAGE_CACHE_PROXY_SECONDS)
            if kept_under and response.status_code == 200 and not response.streaming:
                try:
                    _keep(*kept_under, response, seconds)  # type: ignore[arg-type]
                except Exception:
                    logger.warning("page cache unreachable", exc_info=True)
        return response


def page_cache_purge() -> int:
    """Makes Redis's pages unreachable and empties nginx's page cache (its cache files;
    directories and the files nginx is still writing, named with a suffix, are left).
    Returns how many of nginx's pages it removed."""
    try:
        content_changed()
    except Exception:  # Redis away: its pages expire by themselves
        logger.warning("page cache version not changed", exc_info=True)
    directory = settings.PAGE_CACHE_PURGE_DIR
    if not directory:
        return 0
    removed = 0
    for root, _directories, files in os.walk(directory):
        for name in files:
            if "." in name:  # a temporary file nginx is writing
                continue
            try:
                (Path(root) / name).unlink()
                removed += 1
            except FileNotFoundError:  # nginx's cache manager was quicker
                continue
    logger.info("page cache purged", extra={"pages": removed})
    return removed


def _purge_now_and_after_the_replica() -> None:
    """Empties the caches now; with a read replica, once more when the replica has
    caught up, since a page read from it in between may show the old text."""
    page_cache_purge()
    if settings.DATABASE_ROUTERS and "replica" in settings.DATABASES:
        from portal.tasks import page_cache_purge_task

        try:
            page_cache_purge_task.apply_async(
                countdown=settings.PAGE_CACHE_REPLICA_LAG_SECONDS, retry=False
            )
        except Exception:  # Redis away: the caches still expire within their time
            logger.warning("second page cache purge not scheduled", exc_info=True)


def _after_commit(**_kwargs: Any) -> None:
    transaction.on_commit(_purge_now_and_after_the_replica)


def connect_purge() -> None:
    """Purge after every committed edit of published content (from AppConfig.ready)."""
    from portal.i18n.signals import translation_published

    for label in PUBLISHED_MODELS:
        model = apps.get_model(label)
        post_save.connect(_after_commit, sender=model, dispatch_uid=f"page-cache-save-{label}")
        post_delete.connect(_after_commit, sender=model, dispatch_uid=f"page-cache-delete-{label}")
    translation_published.connect(_after_commit, dispatch_uid="page-cache-translation")
