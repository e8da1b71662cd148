"""Writes of the rights guide."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from portal import search as word_search
from portal.accounts.models import User
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from portal.i18n.languages import field_value
from rights_guide.models import Article, Situation, Topic
from rights_guide.selectors import SEARCH_SCOPE

TEXT_FIELDS = ("title", "summary", "body", "what_to_bring", "where_to_go")


@transaction.atomic
def guide_content_save(
    *, content: Article | Topic | Situation, actor: User | None, is_new: bool
) -> Article | Topic | Situation:
    """Save an editor's change, record it in the audit log, refresh the search words."""
    content.full_clean(exclude=["situations", "related_articles"])
    content.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE if is_new else AuditAction.CHANGE, obj=content
    )
    transaction.on_commit(_refresh_vocabulary_later)
    return content


def _refresh_vocabulary_later() -> None:
    from rights_guide.tasks import guide_vocabulary_refresh_task

    try:
        guide_vocabulary_refresh_task.apply_async(retry=False)
    except Exception:  # broker down: refresh now rather than lose it
        guide_vocabulary_refresh()


def guide_vocabulary_refresh() -> dict[str, int]:
    """Rebuild, for every language, the words of the article versions approved in it."""
    articles = list(Article.objects.filter(is_published=True))
    counts = {}
    for language, _name in settings.LANGUAGES:
        texts = [
            field_value(article, field, language)
            for article in articles
            if language in article.approved_languages
            for field in TEXT_FIELDS
        ]
        counts[language] = word_search.vocabulary_replace(
            scope=SEARCH_SCOPE, language=language, texts=texts
        )
    return counts
