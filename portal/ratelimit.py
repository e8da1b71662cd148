"""Per-address counters in Redis for the public endpoints that could be abused
(eligibility codes, attestation checks, reports, follow requests). Nothing but the
address and a count, for an hour.

When Redis is away the counters are skipped (fail open, with a warning in the log):
a resident's report or vote must not fail because an anti-abuse counter cannot be
reached; the honeypots and the database's own constraints still hold."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def _key(request: HttpRequest, scope: str) -> str:
    return f"rate:{scope}:{request.META.get('REMOTE_ADDR', '')}"


def record(request: HttpRequest, *, scope: str) -> int:
    """Count one more event for this address; return the count in the window (0 when
    the counters cannot be reached)."""
    key = _key(request, scope)
    try:
        if cache.add(key, 1, timeout=WINDOW_SECONDS):
            return 1
        return int(cache.incr(key))
    except Exception:
        logger.warning("rate limit %s skipped: the cache is unreachable", scope)
        return 0


def is_over(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Whether this address already reached `limit` events in the window."""
    try:
        return int(cache.get(_key(request, scope), 0)) >= limit
    except Exception:
        logger.warning("rate limit %s skipped: the cache is unreachable", scope)
        return False


def hit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Count this request; True when it goes over `limit`."""
    return record(request, scope=scope) > limit


class ResilientScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, failing open like the counters above when Redis is away."""

    def allow_request(self, request, view):  # type: ignore[no-untyped-def]
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API throttle skipped: the cache is unreachable")
            return True
