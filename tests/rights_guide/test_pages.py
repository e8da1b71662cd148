"""Guide pages: approved-only visibility, fallback with a notice, constant query counts."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from portal.audit.models import AuditEntry
from rights_guide.models import Article
from tests.factories.guide import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def url(article: Article, language: str) -> str:
    return f"/{language}/guide/{article.topic.slug}/{article.slug}/"


def test_article_in_reader_language_has_no_notice(client: Client) -> None:
    article = ArticleFactory(
        title_fr="Soins",
        title_ar="الرعاية",
        summary_ar="ملخص",
        body_ar="نص.",
        approved_languages=["fr", "ar"],
    )
    page = client.get(url(article, "ar")).content.decode()
    assert '<h1 lang="ar" dir="rtl">الرعاية</h1>' in page
    assert 'class="fallback-notice"' not in page
    assert '<div class="body" lang="ar" dir="rtl">' in page


def test_unapproved_translation_is_not_shown_reader_gets_fallback_with_notice(
    client: Client,
) -> None:
    article = ArticleFactory(
        title_fr="Soins urgents", title_es="Borrador sin revisar", approved_languages=["fr"]
    )
    page = client.get(url(article, "es")).content.decode()
    assert "Borrador sin revisar" not in page
    assert '<h1 lang="fr" dir="ltr">Soins urgents</h1>' in page
    assert '<div class="body" lang="fr" dir="ltr">' in page
    notice = page.split('class="fallback-notice"', 1)[1].split("</p>", 1)[0]
    assert "español" in notice.lower() and "francés" in notice.lower()


def test_draft_article_is_not_visible_in_any_language(client: Client) -> None:
    article = ArticleFactory(is_published=False, approved_languages=["fr", "en"])
    assert client.get(url(article, "fr")).status_code == 404
    assert client.get(url(article, "en")).status_code == 404
    assert article.title_fr not in client.get("/fr/guide/").content.decode()


def test_article_without_any_approved_version_in_the_chain_is_hidden(client: Client) -> None:
    article = ArticleFactory(title_en="English only", approved_languages=["en"])
    assert client.get(url(article, "en")).status_code == 200
    # Tigrinya readers fall back to French (the source), which is not approved.
    assert client.get(url(article, "ti")).status_code == 404


def test_article_page_shows_what_a_reader_needs(client: Client) -> None:
    article = ArticleFactory(
        what_to_bring_fr="Une pièce d'identité si vous en avez\nRien d'autre",
        where_to_go_fr="Maison des habitants, 12 rue des Tisserands",
        needs=["health"],
        applies_regardless_of_status=True,
    )
    page = client.get(url(article, "fr")).content.decode()
    assert "<li>Rien d&#x27;autre</li>" in page
    assert "12 rue des Tisserands" in page
    assert 'href="/fr/services/?need=health"' in page
    assert f'href="/fr/guide/{article.topic.slug}/booklet.pdf"' in page  # print
    assert "mailto:?subject=" in page  # share
    assert re.search(r"Dernière vérification le \d", page)
    assert len(re.findall(r"<h1[\s>]", page)) == 1


def test_article_page_query_count_is_constant(
    client: Client, django_assert_max_num_queries: object
) -> None:
    topic = TopicFactory()
    article = ArticleFactory(topic=topic)
    with django_assert_max_num_queries(4) as few:  # type: ignore[operator]
        client.get(url(article, "fr"))
    related = ArticleFactory.create_batch(10, topic=topic)
    article.related_articles.set(related)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        page = client.get(url(article, "fr")).content.decode()
    assert all(other.title_fr in page for other in related)


def test_index_and_topic_query_counts_are_constant(
    client: Client, django_assert_max_num_queries: object
) -> None:
    topic = TopicFactory()
    ArticleFactory(topic=topic)
    with django_assert_max_num_queries(8) as few:  # type: ignore[operator]
        client.get("/fr/guide/")
        client.get(f"/fr/guide/{topic.slug}/")
    for other in TopicFactory.create_batch(5):
        ArticleFactory.create_batch(4, topic=other)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        client.get("/fr/guide/")
        client.get(f"/fr/guide/{topic.slug}/")


def test_article_in_another_topic_url_is_404(client: Client) -> None:
    article = ArticleFactory()
    other = TopicFactory()
    assert client.get(f"/fr/guide/{other.slug}/{article.slug}/").status_code == 404


def test_editor_change_in_admin_is_audited(client: Client) -> None:
    from portal.accounts import actions
    from portal.accounts.roles import Role

    editor = actions.user_create(
        username="ed", password="a-long-test-password-1", roles=[Role.CONTENT_EDITOR], notify=False
    )
    article = ArticleFactory()
    client.force_login(editor)
    response = client.get(f"/fr/admin/rights_guide/article/{article.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["title_fr"] = "Titre corrigé"
    data["approved_languages"] = ["fr", "en"]
    data["last_reviewed"] = "2026-10-01"
    data["situations"] = []
    data["related_articles"] = []
    data["needs"] = ["health", "domiciliation"]
    for key in ("is_published", "applies_regardless_of_status"):
        data[key] = "on" if data[key] else ""
    response = client.post(f"/fr/admin/rights_guide/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.title_fr == "Titre corrigé"
    assert article.approved_languages == ["fr", "en"]
    assert article.needs == ["health", "domiciliation"]
    entry = AuditEntry.objects.get(object_pk=str(article.pk))
    assert entry.actor == editor
    assert entry.action == "change"


def test_dates_are_iso_where_django_has_no_formats(client: Client) -> None:
    article = ArticleFactory(approved_languages=["fr"])
    assert "2026-09-01" in client.get(url(article, "ti")).content.decode()
    french = client.get(url(article, "fr")).content.decode()
    assert "1 septembre 2026" in french
    # The reader's notice is not marked as being in the article's language.
    tigrinya = client.get(url(article, "ti")).content.decode()
    assert '<p class="fallback-notice" role="note">' in tigrinya
    assert tigrinya.index('class="fallback-notice"') < tigrinya.index('<h1 lang="fr"')
