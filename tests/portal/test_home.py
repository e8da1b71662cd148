"""The home page leads to the four modules, is accessible, and costs a fixed number of
queries however many notices there are."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories.portal import HomeNoticeFactory

pytestmark = pytest.mark.django_db


def test_home_page_leads_to_every_module(client: Client) -> None:
    page = client.get("/en/").content.decode()
    for path in ("/en/guide/", "/en/services/", "/en/register/", "/en/participate/"):
        assert f'href="{path}"' in page


@pytest.mark.parametrize("path", ["/fr/", "/ar/", "/ti/guide/", "/ps/participate/", "/xx/"])
def test_page_structure_is_accessible(client: Client, path: str) -> None:
    page = client.get(path).content.decode()
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert "<header" in page and "<footer" in page and "<nav" in page
    assert "<script" not in page  # nothing needs JavaScript


def test_home_page_query_count_does_not_grow_with_notices(
    client: Client, django_assert_max_num_queries: object
) -> None:
    HomeNoticeFactory.create_batch(2)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        client.get("/fr/")
    HomeNoticeFactory.create_batch(20)
    with django_assert_max_num_queries(1):  # type: ignore[operator]
        response = client.get("/fr/")
    assert response.content.decode().count("<article>") == 22


def test_unpublished_notices_are_not_shown(client: Client) -> None:
    HomeNoticeFactory(title_fr="Brouillon secret", is_published=False)
    assert "Brouillon secret" not in client.get("/fr/").content.decode()


def test_stylesheet_uses_logical_properties_only() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align: left",
        "text-align: right",
        "float:",
        " left:",
        " right:",
        "border-left",
        "border-right",
    ):
        assert physical not in css, physical
    font_faces = re.findall(r"@font-face\s*{[^}]*}", css)
    assert len(font_faces) == 4
    assert all("unicode-range:" in face for face in font_faces)


def test_api_schema_and_docs_are_served_without_a_third_party_cdn(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn.jsdelivr.net" not in docs.content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs.content.decode()
