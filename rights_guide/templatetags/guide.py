from __future__ import annotations

from typing import Any

from django import template

from portal.i18n.languages import reader_language
from rights_guide.models import Article
from rights_guide.views import article_texts as texts_of

register = template.Library()


@register.simple_tag
def article_texts(article: Article) -> dict[str, Any]:
    """`{% article_texts article as texts %}`: the texts of the approved version."""
    return texts_of(article, reader_language())
