"""The printable booklet: a PDF per language built by a real Celery worker, with the
Arabic text really in it, rebuilt when the content changes."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from django.test import Client
from pypdf import PdfReader

from rights_guide import booklet
from tests.factories.guide import ArticleFactory, TopicFactory


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def media(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.mark.django_db
def test_arabic_booklet_contains_the_arabic_title(media: Path) -> None:
    topic = TopicFactory(title_ar="الصحة")
    ArticleFactory(
        topic=topic,
        title_ar="العلاج في المستشفى",
        summary_ar="الطوارئ للجميع.",
        body_ar="يعالج الأطباء كل شخص.",
        approved_languages=["fr", "ar"],
    )
    path = booklet.booklet_build(language="ar", topic_id=None)
    text = pdf_text(path.read_bytes())
    assert "المستشفى" in text
    assert "العلاج" in text


@pytest.mark.django_db
def test_tigrinya_booklet_uses_geez_and_notes_the_fallback(media: Path) -> None:
    ArticleFactory(
        title_ti="ሕክምና", summary_ti="ሕክምና ንኹሉ።", body_ti="ጽሑፍ።", approved_languages=["fr", "ti"]
    )
    ArticleFactory(title_fr="Seulement en français", approved_languages=["fr"])
    text = pdf_text(booklet.booklet_build(language="ti", topic_id=None).read_bytes())
    assert "ሕክምና" in text
    assert "Seulement en français" in text


@pytest.mark.django_db
def test_booklet_is_kept_until_the_content_changes(media: Path) -> None:
    article = ArticleFactory(title_fr="Première version")
    first = booklet.booklet_build(language="fr", topic_id=None)
    assert booklet.booklet_get(language="fr", topic_id=None) == first
    assert booklet.booklet_build(language="fr", topic_id=None) == first  # run twice: same file
    article.title_fr = "Seconde version"
    article.save()
    assert booklet.booklet_get(language="fr", topic_id=None) is None
    second = booklet.booklet_build(language="fr", topic_id=None)
    assert second != first
    assert not first.exists()
    assert "Seconde version" in pdf_text(second.read_bytes())


def test_download_asks_the_worker_then_serves_the_pdf(
    client: Client, celery_worker: object, media: Path
) -> None:
    ArticleFactory(title_ar="العلاج في المستشفى", approved_languages=["fr", "ar"])
    response = client.get("/ar/guide/booklet.pdf")
    assert response.status_code == 202
    assert 'dir="rtl"' in response.content.decode()
    deadline = time.monotonic() + 60
    while booklet.booklet_get(language="ar", topic_id=None) is None:
        assert time.monotonic() < deadline, "the worker did not build the booklet"
        time.sleep(0.2)
    response = client.get("/ar/guide/booklet.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert "المستشفى" in pdf_text(data)
    index = client.get("/ar/guide/").content.decode()
    offer = index.split('class="booklet"', 1)[1].split("</p>", 1)[0]
    assert "PDF" in offer
    assert 'download href="/ar/guide/booklet.pdf"' in offer or "download" in offer
