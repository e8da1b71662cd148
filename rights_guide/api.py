"""Read-only API of the guide: /api/v1/guide/topics/ and /api/v1/guide/articles/?lang=…"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from rights_guide import selectors
from rights_guide.serializers import ArticleOutputSerializer, TopicOutputSerializer

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    description="Language code; texts fall back along the configured chain when missing.",
    enum=[code for code, _name in settings.LANGUAGES],
)


def requested_language(request: Request) -> str:
    language = request.query_params.get("lang") or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"lang": [f"Unknown language {language[:10]!r}."]})
    return language


class GuideTopicListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = TopicOutputSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.topic_list(language=requested_language(self.request))

    def get_serializer_context(self):  # type: ignore[no-untyped-def]
        return {**super().get_serializer_context(), "language": requested_language(self.request)}

    @extend_schema(parameters=[LANG_PARAMETER])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)


class GuideArticleListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ArticleOutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.visible_articles(language=requested_language(self.request))
            .select_related("topic")
            .prefetch_related("situations")
            .order_by("topic__position", "position", "pk")
        )

    def get_serializer_context(self):  # type: ignore[no-untyped-def]
        return {**super().get_serializer_context(), "language": requested_language(self.request)}

    @extend_schema(parameters=[LANG_PARAMETER])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)
