"""Headers every page carries (CSP, Permissions-Policy, Referrer-Policy), found by
crawling the public pages of the demo from the home pages, and no inline script or
style anywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.style_elements = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if "style" in values or any(name.startswith("on") for name in values):
            self.style_attributes += 1


@pytest.mark.django_db
def test_every_public_page_of_a_crawl_carries_the_policies(demo: None) -> None:
    client = Client()
    queue = ["/fr/", "/ar/", "/fr/guide/report/", "/fr/guide/observatory/", "/api/docs/"]
    seen: set[str] = set()
    html_pages = 0
    while queue and len(seen) < 350:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        assert response["Referrer-Policy"] == "same-origin", url
        assert "geolocation=" in response["Permissions-Policy"], url
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        policy = response["Content-Security-Policy"]
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'"):
            assert directive in policy, (url, policy)
        parser = _Links()
        parser.feed(response.content.decode())
        if url == "/api/docs/":  # Swagger UI's page: one <style>, allowed there only
            assert (
                policy.count("unsafe-inline") == 1 and "style-src 'self' 'unsafe-inline'" in policy
            )
            continue
        assert "unsafe-inline" not in policy
        assert (parser.inline_scripts, parser.style_elements, parser.style_attributes) == (
            0,
            0,
            0,
        ), url
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or parts.scheme not in {"", "http"} or "/admin/" in parts.path:
                continue
            # Two languages are enough to reach every kind of page; not every booklet.
            if not re.match(r"^/(fr|ar)/", parts.path) or parts.path.endswith(".pdf"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert html_pages > 150  # the crawl reached guide, directory, registration, budget pages
