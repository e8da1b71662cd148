"""The printable booklet: the whole guide, or one topic, as a PDF in one language.

Built by a Celery task with WeasyPrint from an HTML template, with the same font files
as the site (Noto Naskh Arabic, Noto Sans Ethiopic), and kept until the content
changes: the file name carries a hash of what went into it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max
from django.template.loader import render_to_string
from django.utils import translation

from portal.i18n.languages import direction, version_language
from portal.pdf import font_css, render_pdf
from rights_guide.models import Topic
from rights_guide.selectors import topic_list, visible_articles

TEMPLATE = "rights_guide/booklet.html"


def _directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "booklets"


def _stem(language: str, topic_id: int | None) -> str:
    return f"guide-{language}-{topic_id or 'all'}"


def booklet_version(*, language: str, topic_id: int | None) -> str:
    """A hash that changes whenever anything printed in the booklet changes."""
    articles = visible_articles(language=language)
    topics = Topic.objects.all()
    if topic_id is not None:
        articles = articles.filter(topic_id=topic_id)
        topics = topics.filter(pk=topic_id)
    article_state = articles.aggregate(count=Count("pk"), changed=Max("updated_at"))
    topic_state = topics.aggregate(count=Count("pk"), changed=Max("updated_at"))
    template_path = Path(__file__).resolve().parent / "templates" / TEMPLATE
    fingerprint = repr(
        (language, topic_id, article_state, topic_state, template_path.stat().st_mtime_ns)
    )
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:16]


def booklet_path(*, language: str, topic_id: int | None) -> Path:
    version = booklet_version(language=language, topic_id=topic_id)
    return _directory() / f"{_stem(language, topic_id)}-{version}.pdf"


def booklet_get(*, language: str, topic_id: int | None) -> Path | None:
    """The PDF for the current content, if it has been built."""
    path = booklet_path(language=language, topic_id=topic_id)
    return path if path.exists() else None


def _render_html(*, language: str, topic_id: int | None) -> str:
    with translation.override(language):
        topics = [
            topic
            for topic in topic_list(language=language)
            if topic_id is None or topic.pk == topic_id
        ]
        sections = []
        for topic in topics:
            articles = [
                (article, version_language(article.approved_languages, language))
                for article in topic.visible_articles
            ]
            if articles:
                sections.append((topic, articles))
        return render_to_string(
            TEMPLATE,
            {
                "sections": sections,
                "language": language,
                "direction": direction(language),
                "single_topic": topic_id is not None,
                "font_css": font_css(),
            },
        )


def booklet_build(*, language: str, topic_id: int | None) -> Path:
    """Build the PDF unless the current one exists; safe to run twice or concurrently."""
    target = booklet_path(language=language, topic_id=topic_id)
    if target.exists():
        return target
    lock = f"booklet-build:{target.name}"
    if not cache.add(lock, "1", timeout=300):
        return target  # another worker is building it
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        data = render_pdf(_render_html(language=language, topic_id=topic_id))
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(handle, "wb") as part:
            part.write(data)
        os.replace(temporary, target)
        for old in target.parent.glob(f"{_stem(language, topic_id)}-*.pdf"):
            if old != target:
                old.unlink(missing_ok=True)
    finally:
        cache.delete(lock)
    return target
