"""Per-address counters in Redis for the public endpoints that could be abused
(eligibility codes, attestation checks). Nothing but the address and a count, for an hour."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 3600


def _key(request: HttpRequest, scope: str) -> str:
    return f"rate:{scope}:{request.META.get('REMOTE_ADDR', '')}"


def record(request: HttpRequest, *, scope: str) -> int:
    """Count one more event for this address; return the count in the window."""
    key = _key(request, scope)
    if cache.add(key, 1, timeout=WINDOW_SECONDS):
        return 1
    return int(cache.incr(key))


def is_over(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Whether this address already reached `limit` events in the window."""
    return int(cache.get(_key(request, scope), 0)) >= limit


def hit(request: HttpRequest, *, scope: str, limit: int) -> bool:
    """Count this request; True when it goes over `limit`."""
    return record(request, scope=scope) > limit
