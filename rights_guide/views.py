"""Public pages of the rights guide: no account, no cookie, no JavaScript needed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import TemplateView

from portal.i18n.languages import reader_language, text_of_version, version_language
from rights_guide import booklet, selectors
from rights_guide.forms import QuestionnaireForm, SearchForm
from rights_guide.models import Article, Situation, Topic
from rights_guide.needs import Need

ARTICLE_FIELDS = ("title", "summary", "body", "what_to_bring", "where_to_go")


def article_texts(article: Article, language: str) -> dict[str, Any]:
    """Every text of the article from one approved version, and which one."""
    version = version_language(article.approved_languages, language) or language
    return {field: text_of_version(article, field, version, language) for field in ARTICLE_FIELDS}


def booklet_offer(*, language: str, topic_id: int | None = None) -> dict[str, Any]:
    path = booklet.booklet_get(language=language, topic_id=topic_id)
    return {"is_ready": path is not None, "size": path.stat().st_size if path else 0}


class GuideIndexView(TemplateView):
    template_name = "rights_guide/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = reader_language()
        context["topics"] = selectors.topic_list(language=language)
        context["search_form"] = SearchForm()
        context["booklet"] = booklet_offer(language=language)
        context["coverage"] = guide_coverage(language)
        return context


def guide_coverage(language: str) -> int | None:
    """How much of the guide is approved and current in the reader's language, when
    it is not all of it (None: nothing to say)."""
    from portal.i18n.selectors import models_coverage

    if language == settings.LANGUAGE_CODE:
        return None
    percent = models_coverage(language=language, models=[Topic, Situation, Article])
    return percent if percent < 100 else None


class TopicView(TemplateView):
    template_name = "rights_guide/topic.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = reader_language()
        topic = selectors.topic_get(slug=kwargs["topic_slug"], language=language)
        context["topic"] = topic
        context["articles"] = [
            (article, article_texts(article, language)) for article in topic.visible_articles
        ]
        context["booklet"] = booklet_offer(language=language, topic_id=topic.pk)
        context["about_discrimination"] = any(
            Need.DISCRIMINATION in article.needs for article in topic.visible_articles
        )
        return context


class ArticleView(TemplateView):
    template_name = "rights_guide/article.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        language = reader_language()
        article = selectors.article_get(slug=kwargs["slug"], language=language)
        if article.topic.slug != kwargs["topic_slug"]:
            raise Http404("article is in another topic")
        context["article"] = article
        context["texts"] = article_texts(article, language)
        context["related"] = [
            (related, article_texts(related, language)) for related in article.visible_related
        ]
        context["needs"] = [Need(need) for need in article.needs if need in Need.values]
        context["share_url"] = self.request.build_absolute_uri()
        return context


def questionnaire(request: HttpRequest) -> HttpResponse:
    """The questions, and once answered the personal list, on the same GET URL."""
    language = reader_language()
    situations = list(selectors.situation_list())
    form = QuestionnaireForm(request.GET or None, situations=situations)
    context: dict[str, Any] = {"form": form}
    if form.is_bound and form.is_valid():
        situation = form.chosen_situation()
        needs = form.needs() | set(situation.default_needs if situation else [])
        articles = selectors.questionnaire_article_list(
            situation=situation, needs=needs, language=language
        )
        context.update(
            {
                "situation": situation,
                "needs": [Need(need) for need in Need.values if need in needs],
                "results": [(article, article_texts(article, language)) for article in articles],
                "share_url": request.build_absolute_uri(),
            }
        )
        return render(request, "rights_guide/questionnaire_results.html", context)
    return render(request, "rights_guide/questionnaire.html", context)


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "result": None, "problem": None}
    if form.is_bound and form.is_valid():
        query = form.cleaned_data["q"].strip()
        if not query:
            context["problem"] = "empty"
        elif len(query) > selectors.MAX_QUERY_LENGTH:
            context["problem"] = "too_long"
        else:
            context["result"] = selectors.article_search(query=query, language=reader_language())
    elif form.is_bound:
        context["problem"] = "too_long"
    return render(request, "rights_guide/search.html", context)


def booklet_download(request: HttpRequest, topic_slug: str | None = None) -> HttpResponse:
    """The PDF if it is ready; otherwise ask a worker to build it and say so."""
    from rights_guide.tasks import booklet_build_task

    language = reader_language()
    topic = selectors.topic_get(slug=topic_slug, language=language) if topic_slug else None
    topic_id = topic.pk if topic else None
    path = booklet.booklet_get(language=language, topic_id=topic_id)
    if path is not None:
        name = f"guide-{topic_slug or 'rights'}-{language}.pdf"
        return FileResponse(path.open("rb"), content_type="application/pdf", filename=name)
    try:
        booklet_build_task.apply_async((language, topic_id), retry=False)
    except Exception:  # no broker: build it now rather than make the reader wait forever
        path = booklet.booklet_build(language=language, topic_id=topic_id)
        name = f"guide-{topic_slug or 'rights'}-{language}.pdf"
        return FileResponse(path.open("rb"), content_type="application/pdf", filename=name)
    response = render(request, "rights_guide/booklet_pending.html", {"topic": topic}, status=202)
    response["Retry-After"] = "10"
    return response
