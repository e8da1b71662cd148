"""Read-only API of the guide, in the requested language with fallback marked."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories.guide import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_topics_in_requested_language(client: Client) -> None:
    TopicFactory(slug="health", title_fr="Santé", title_es="Salud")
    body = client.get("/api/v1/guide/topics/", {"lang": "es"}).json()
    assert body == [
        {"slug": "health", "position": 0, "title": "Salud", "summary": "", "language": "es"}
    ]


def test_articles_only_approved_versions_with_fallback_flag(client: Client) -> None:
    ArticleFactory(slug="a", title_fr="Soins", title_ar="علاج", approved_languages=["fr", "ar"])
    ArticleFactory(slug="b", title_fr="École", title_ar="مسودة", approved_languages=["fr"])
    ArticleFactory(slug="draft", is_published=False, approved_languages=["fr", "ar"])
    body = client.get("/api/v1/guide/articles/", {"lang": "ar"}).json()
    assert body["count"] == 2
    by_slug = {item["slug"]: item for item in body["results"]}
    assert by_slug["a"]["texts"]["title"] == "علاج"
    assert by_slug["a"]["is_fallback"] is False
    assert by_slug["b"]["texts"]["title"] == "École"
    assert by_slug["b"]["language"] == "fr"
    assert by_slug["b"]["is_fallback"] is True


def test_unknown_language_is_a_clear_400(client: Client) -> None:
    response = client.get("/api/v1/guide/articles/", {"lang": "xx"})
    assert response.status_code == 400
    assert "lang" in response.json()


def test_api_is_read_only(client: Client) -> None:
    assert client.post("/api/v1/guide/articles/", {}).status_code in {403, 405}


def test_schema_documents_the_guide_endpoints(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/guide/articles/" in schema["paths"]
    parameters = schema["paths"]["/api/v1/guide/articles/"]["get"]["parameters"]
    assert any(parameter["name"] == "lang" for parameter in parameters)
