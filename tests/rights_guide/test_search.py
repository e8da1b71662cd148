"""Search in the reader's language, ranked, highlighted, tolerant of misspellings."""

from __future__ import annotations

import pytest
from django.test import Client

from rights_guide.actions import guide_vocabulary_refresh
from tests.factories.guide import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles() -> None:
    ArticleFactory(
        slug="hospital",
        title_fr="Se soigner à l'hôpital",
        summary_fr="Les urgences soignent tout le monde.",
        body_fr="À l'hôpital, les médecins soignent toute personne malade, avec ou sans papiers.",
        title_en="Getting care at the hospital",
        summary_en="Emergency care is for everyone.",
        body_en="At the hospital, doctors treat every sick person, with or without papers.",
        title_ar="العلاج في المستشفى",
        summary_ar="الطوارئ تعالج الجميع.",
        body_ar="في المستشفى يعالج الأطباء كل شخص مريض، بأوراق أو بدونها.",
        approved_languages=["fr", "en", "ar"],
    )
    ArticleFactory(
        slug="school",
        title_fr="Inscrire son enfant à l'école",
        summary_fr="L'école est pour tous les enfants.",
        body_fr="Chaque enfant doit être inscrit à l'école, quels que soient les papiers.",
        title_en="Enrolling your child at school",
        summary_en="School is for every child.",
        body_en="Every child must be enrolled at school, whatever the parents' papers.",
        title_ar="تسجيل طفلك في المدرسة",
        summary_ar="المدرسة لكل الأطفال.",
        body_ar="يجب تسجيل كل طفل في المدرسة مهما كانت أوراق والديه.",
        approved_languages=["fr", "en", "ar"],
    )
    guide_vocabulary_refresh()


def search(client: Client, language: str, query: str) -> str:
    response = client.get(f"/{language}/guide/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("language", "query", "expected", "other"),
    [
        ("fr", "hôpital", "/fr/guide/", "Inscrire son enfant"),
        ("fr", "écoles", "Inscrire son enfant", "Se soigner"),  # French stemming
        ("en", "doctors", "Getting care at the hospital", "Enrolling"),
        ("ar", "المستشفى", "العلاج في المستشفى", "تسجيل طفلك"),
    ],
)
def test_search_finds_in_reader_language(
    client: Client, articles: None, language: str, query: str, expected: str, other: str
) -> None:
    page = search(client, language, query)
    assert expected in page
    assert other not in page
    assert "<mark>" in page


@pytest.mark.parametrize(
    ("language", "misspelt", "expected"),
    [
        ("fr", "hopitla", "Se soigner à l&#x27;hôpital"),
        ("en", "hospitl", "Getting care at the hospital"),
        ("ar", "المستشفي", "العلاج في المستشفى"),
    ],
)
def test_misspelt_query_is_corrected(
    client: Client, articles: None, language: str, misspelt: str, expected: str
) -> None:
    page = search(client, language, misspelt)
    assert expected in page
    assert 'role="status"' in page


def test_empty_and_absurd_queries_get_a_friendly_message(client: Client, articles: None) -> None:
    for query in ("", "   "):
        page = search(client, "fr", query)
        assert 'class="notice"' in page
    page = search(client, "en", "hospital " * 5000)
    assert "too long" in page
    page = search(client, "fr", "<script>alert(1)</script> & ' \" ; DROP TABLE")
    assert "<script>alert(1)</script>" not in page


def test_reader_of_untranslated_language_searches_the_fallback_text(
    client: Client, articles: None
) -> None:
    page = search(client, "ti", "hôpital")
    assert "Se soigner" in page
