"""Reads of the rights guide. Every page costs a fixed number of queries."""

from __future__ import annotations

import html
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from portal import search as word_search
from portal.i18n.languages import language_chain, reader_language, search_config
from rights_guide.models import Article, Situation, Topic

SEARCH_SCOPE = "guide"
MAX_QUERY_LENGTH = 200


def visible_articles(*, language: str | None = None) -> QuerySet[Article]:
    """Published articles with an approved version somewhere along the reader's chain."""
    chain = language_chain(language or reader_language())
    return Article.objects.filter(is_published=True, approved_languages__overlap=chain)


def topic_list(*, language: str | None = None) -> QuerySet[Topic]:
    """Topics with their visible articles prefetched (two queries)."""
    return Topic.objects.prefetch_related(
        Prefetch(
            "articles",
            queryset=visible_articles(language=language)
            .select_related("topic")
            .order_by("position", "pk"),
            to_attr="visible_articles",
        )
    )


def topic_get(*, slug: str, language: str | None = None) -> Topic:
    topic = topic_list(language=language).filter(slug=slug).first()
    if topic is None:
        raise Http404("no such topic")
    return topic


def article_get(*, slug: str, language: str | None = None) -> Article:
    """One visible article with its topic, situations and visible related articles."""
    article = (
        visible_articles(language=language)
        .select_related("topic")
        .prefetch_related(
            "situations",
            Prefetch(
                "related_articles",
                queryset=visible_articles(language=language).select_related("topic"),
                to_attr="visible_related",
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if article is None:
        raise Http404("no such article")
    return article


def situation_list() -> QuerySet[Situation]:
    return Situation.objects.all()


def questionnaire_article_list(
    *, situation: Situation | None, needs: set[str], language: str | None = None
) -> list[Article]:
    """Articles for someone in `situation` with these needs (answers never stored).

    An article is listed when it concerns one of the needs and either applies to the
    situation or applies whatever the person's papers.
    """
    wanted = set(needs) | set(situation.default_needs if situation else [])
    if not wanted:
        return []
    applies = Q(applies_regardless_of_status=True)
    if situation is not None:
        applies |= Q(situations=situation)
    return list(
        visible_articles(language=language)
        .filter(applies, needs__overlap=sorted(wanted))
        .select_related("topic")
        .distinct()
        .order_by("topic__position", "position", "pk")
    )


@dataclass(frozen=True)
class SearchHit:
    article: Article
    language: str
    snippet: str  # HTML-safe, with <mark> around matches
    rank: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    corrected_query: str | None
    hits: list[SearchHit]


_START, _STOP = "\x02", "\x03"


def _safe_snippet(raw: str) -> str:
    return html.escape(raw).replace(_START, "<mark>").replace(_STOP, "</mark>")


def _search_version(query: str, version: str, before: list[str], language: str) -> list[SearchHit]:
    """Articles whose displayed version is `version`, ranked against `query`."""
    config = search_config(version)
    vector = (
        SearchVector(f"title_{version}", weight="A", config=config)
        + SearchVector(f"summary_{version}", weight="B", config=config)
        + SearchVector(
            f"body_{version}",
            f"what_to_bring_{version}",
            f"where_to_go_{version}",
            weight="C",
            config=config,
        )
    )
    search_query = SearchQuery(query, search_type="websearch", config=config)
    articles = (
        visible_articles(language=language)
        .filter(approved_languages__contains=[version])
        .exclude(approved_languages__overlap=before or ["-"])
        .annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .annotate(
            snippet=SearchHeadline(
                f"body_{version}",
                search_query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
            )
        )
        .select_related("topic")
        .order_by("-rank", "pk")[:50]
    )
    return [
        SearchHit(
            article=article,
            language=version,
            snippet=_safe_snippet(article.snippet),
            rank=float(article.rank),
        )
        for article in articles
    ]


def _search(query: str, language: str) -> list[SearchHit]:
    chain = language_chain(language)
    hits: list[SearchHit] = []
    for index, version in enumerate(chain):
        hits.extend(_search_version(query, version, chain[:index], language))
    return sorted(hits, key=lambda hit: -hit.rank)


def article_search(*, query: str, language: str | None = None) -> SearchResult:
    """Full-text search in the reader's language (and the fallback texts they would see),
    with misspellings corrected against the words of the guide."""
    language = language or reader_language()
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    hits = _search(query, language)
    corrected = None
    if not hits:
        for version in language_chain(language):
            corrected = word_search.correct_query(scope=SEARCH_SCOPE, language=version, query=query)
            if corrected:
                hits = _search(corrected, language)
                break
    return SearchResult(query=query, corrected_query=corrected if hits else None, hits=hits)
