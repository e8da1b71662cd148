"""The portal's URLs plus /__bench__/bytes/<name>, for benchmarks/http_load.py only.

The bare view answers with bytes it read once (from HTTP_LOAD_BYTES_DIR/<name>, a page
the benchmark fetched from the portal) and then keeps in memory: the same bytes as the
page, through the same middleware, without the page's queries and templates. It is
Django's floor for that response."""

from __future__ import annotations

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.page_cache import page_cache_seconds
from portal.urls import handler400, handler403, handler404, handler500
from portal.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

_BYTES: dict[str, bytes] = {}


@page_cache_seconds(0)  # built every time: it is the floor, not a page kept in Redis
def bare(request: HttpRequest, name: str) -> HttpResponse:
    body = _BYTES.get(name)
    if body is None:
        body = _BYTES[name] = (Path(os.environ["HTTP_LOAD_BYTES_DIR"]) / name).read_bytes()
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [path("__bench__/bytes/<slug:name>", bare), *portal_urlpatterns]
