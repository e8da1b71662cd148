from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.i18n.languages import text_in_language, version_language
from rights_guide.models import Article, Topic

ARTICLE_TEXT_FIELDS = ("title", "summary", "body", "what_to_bring", "where_to_go")


class TopicOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    position = serializers.IntegerField()
    title = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField(help_text="Language the texts are in.")

    def _language(self) -> str:
        return str(self.context["language"])

    def get_title(self, topic: Topic) -> str:
        return text_in_language(topic, "title", self._language()).text

    def get_summary(self, topic: Topic) -> str:
        return text_in_language(topic, "summary", self._language()).text

    def get_language(self, topic: Topic) -> str:
        return text_in_language(topic, "title", self._language()).language


class ArticleTextsSerializer(serializers.Serializer):
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    what_to_bring = serializers.CharField()
    where_to_go = serializers.CharField()


class ArticleOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    topic = serializers.SlugField(source="topic.slug")
    language = serializers.SerializerMethodField(
        help_text="Language of the approved version returned."
    )
    is_fallback = serializers.SerializerMethodField(
        help_text="True when the requested language has no approved version yet."
    )
    texts = serializers.SerializerMethodField()
    needs = serializers.ListField(child=serializers.CharField())
    situations = serializers.SerializerMethodField()
    applies_regardless_of_status = serializers.BooleanField()
    last_reviewed = serializers.DateField()
    legal_references = serializers.CharField()

    def _version(self, article: Article) -> str:
        requested = str(self.context["language"])
        return version_language(article.approved_languages, requested) or requested

    def get_language(self, article: Article) -> str:
        return self._version(article)

    def get_is_fallback(self, article: Article) -> bool:
        return self._version(article) != self.context["language"]

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_situations(self, article: Article) -> list[str]:
        return [situation.slug for situation in article.situations.all()]

    @extend_schema_field(ArticleTextsSerializer)
    def get_texts(self, article: Article) -> dict[str, Any]:
        version = self._version(article)
        return {
            field: getattr(article, f"{field}_{version.replace('-', '_')}", "") or ""
            for field in ARTICLE_TEXT_FIELDS
        }
