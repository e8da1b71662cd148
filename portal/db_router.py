"""Public reads from a PostgreSQL replica, everything else from the primary.

Installed only when `DATABASE_REPLICA_URL` is set (settings add the "replica" alias and
this router). `PublicReadMiddleware` marks a request as a *public read* when it is one
nginx may answer from its page cache: GET or HEAD, no session or CSRF cookie, no
Authorization header, not under the admin, the API, sign-in or a staff area, and to a
view that does not say `never_cache` (a vote, a receipt check, a confirmation link: the
answers that must be fresh). Only then do the ORM's reads go to the replica, and only
outside a transaction; the first write of such a request sends its later reads to the
primary too.

Everything else reads from the primary: staff and signed-in people, every form sent,
every write, and Celery tasks, management commands and anything else outside a request
(the mark is off by default). A public reader may see a page a moment old, as nginx's
60-second page cache already shows it (docs/deployment.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

PRIMARY = "default"
REPLICA = "replica"

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)

# Areas read from the primary whoever asks: the admin, the API, health, sign-in and
# accounts, and the staff areas under a language prefix (/fr/caseworker/ ...).
_PRIMARY_PATHS = re.compile(
    r"^/(?:[a-z]{2,3}(?:-[a-z0-9]+)?/)?"
    r"(?:admin|api|healthz|account|accounts|caseworker|office|translate|staff)(?:/|$)"
    r"|^/[a-z]{2,3}(?:-[a-z0-9]+)?/register/counter(?:/|$)"
    r"|^/[a-z]{2,3}(?:-[a-z0-9]+)?/participate/[^/]+/officer(?:/|$)"
)


def is_public_read(request: HttpRequest) -> bool:
    """A request nginx could answer from its cache of anonymous public pages."""
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.COOKIES.get(
        settings.CSRF_COOKIE_NAME
    ):
        return False
    if request.META.get("HTTP_AUTHORIZATION"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not _PRIMARY_PATHS.match(request.path_info)


class PublicReadMiddleware:
    """Marks public reads for `ReplicaRouter`; without a replica the mark changes nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _public_read.set(False)  # whatever process_view decides ends here
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        if is_public_read(request) and not _never_cached(view_func):
            _public_read.set(True)


def _sync_view(request: HttpRequest) -> None:
    return None


async def _async_view(request: HttpRequest) -> None:
    return None


# The code of never_cache's wrappers: the same for every view it decorates.
_NEVER_CACHE_WRAPPERS = {never_cache(view).__code__ for view in (_sync_view, _async_view)}


def _never_cached(view_func: Callable[..., Any]) -> bool:
    """Whether `never_cache` wraps the view, under any other decorator (csrf_exempt,
    require_http_methods ... keep the chain through `__wrapped__`)."""
    function: Any = view_func
    while function is not None:
        if getattr(function, "__code__", None) in _NEVER_CACHE_WRAPPERS:
            return True
        function = getattr(function, "__wrapped__", None)
    return False


class ReplicaRouter:
    """Reads of public requests from "replica"; every other read and every write, and
    every migration, on "default"."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if (
            _public_read.get()
            and REPLICA in settings.DATABASES
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # This request wrote: what it reads next must include the write.
        _public_read.set(False)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        aliases = {PRIMARY, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True  # the same data, whichever copy it was read from
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY
