"""Public API of the participatory budget: read processes, projects and results; cast a
ballot with an eligibility code (rate-limited)."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from participation import actions, selectors
from participation.models import Phase, Proposal, TallyResult
from participation.serializers import (
    BallotCastInputSerializer,
    BallotCastOutputSerializer,
    CouncilOutputSerializer,
    MeetingOutputSerializer,
    ProcessOutputSerializer,
    ProjectOutputSerializer,
    RecommendationOutputSerializer,
    ResultOutputSerializer,
)
from portal.ratelimit import ResilientScopedRateThrottle

LANG = OpenApiParameter("lang", str, enum=[code for code, _name in settings.LANGUAGES])


class LanguageMixin:
    request: Request

    def get_serializer_context(self):  # type: ignore[no-untyped-def]
        language = self.request.query_params.get("lang") or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"lang": [f"Unknown language {language[:10]!r}."]})
        return {**super().get_serializer_context(), "language": language}  # type: ignore[misc]


class ProcessListApi(LanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ProcessOutputSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.process_list().prefetch_related("districts")

    @extend_schema(parameters=[LANG])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)


class ProjectListApi(LanguageMixin, generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ProjectOutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        process = selectors.process_get(slug=self.kwargs["slug"])
        return Proposal.objects.filter(process=process).select_related("district").order_by("pk")

    @extend_schema(parameters=[LANG])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)


class ResultListApi(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = ResultOutputSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        process = selectors.process_get(slug=self.kwargs["slug"])
        if process.phase != Phase.RESULTS:
            return TallyResult.objects.none()
        return TallyResult.objects.filter(district__process=process).select_related("district")


class BallotCastApi(APIView):
    """Cast a ballot: {"code": "...", "district": "<slug>", "choices": {"<project id>": points}}."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []  # the code is the credential; no session, no CSRF
    throttle_classes = [ResilientScopedRateThrottle]
    throttle_scope = "ballot"

    @extend_schema(request=BallotCastInputSerializer, responses={201: BallotCastOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        process = selectors.process_get(slug=slug)
        data = BallotCastInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        district = get_object_or_404(process.districts, slug=data.validated_data["district"])
        try:
            choices = {int(key): value for key, value in data.validated_data["choices"].items()}
        except ValueError:
            raise ValidationError({"choices": ["Project ids are numbers."]}) from None
        try:
            cast = actions.ballot_cast(
                process=process,
                district=district,
                code=data.validated_data["code"],
                choices=choices,
            )
        except actions.BallotRefused as refusal:
            code = (
                status.HTTP_409_CONFLICT if refusal.code == "used" else status.HTTP_400_BAD_REQUEST
            )
            return Response({"detail": refusal.message, "code": refusal.code}, status=code)
        return Response(
            BallotCastOutputSerializer({"receipt": cast.receipt}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Council of foreign residents --------------------------------------------------------


class CouncilListApi(LanguageMixin, generics.ListAPIView):
    """The active councils."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CouncilOutputSerializer
    pagination_class = None

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.council_list()

    @extend_schema(parameters=[LANG])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)


class MeetingListApi(LanguageMixin, generics.ListAPIView):
    """A council's public meetings, the latest first (closed meetings never appear)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = MeetingOutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        council = selectors.council_get(slug=self.kwargs["council_slug"])
        return (
            selectors.public_meetings(council=council)
            .prefetch_related("agenda_items")
            .order_by("-starts_at", "pk")
        )

    @extend_schema(parameters=[LANG])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)


class RecommendationListApi(LanguageMixin, generics.ListAPIView):
    """A council's recommendations and what the city did with each."""

    permission_classes = [permissions.AllowAny]
    serializer_class = RecommendationOutputSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        council = selectors.council_get(slug=self.kwargs["council_slug"])
        return council.recommendations.select_related("meeting").order_by("pk")

    @extend_schema(parameters=[LANG])
    def get(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        return super().get(request, *args, **kwargs)
