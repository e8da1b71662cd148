"""The one API of the registration helper: verify a code (nothing else about anyone)."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import ratelimit
from registration import actions


class AttestationVerifyApi(APIView):
    """valid / expired / revoked / unknown, and the dates. Rate-limited per address."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True)],
        responses=inline_serializer(
            "AttestationVerification",
            {
                "status": serializers.ChoiceField(["valid", "expired", "revoked", "unknown"]),
                "valid_from": serializers.DateField(allow_null=True),
                "valid_until": serializers.DateField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        if ratelimit.hit(request, scope="verify", limit=settings.VERIFY_RATE_PER_HOUR):
            return Response({"detail": "Too many checks; try again later."}, status=429)
        result = actions.attestation_verify(code=request.query_params.get("code", "")[:64])
        response = Response(
            {
                "status": result.status,
                "valid_from": result.valid_from.isoformat() if result.valid_from else None,
                "valid_until": result.valid_until.isoformat() if result.valid_until else None,
            }
        )
        response["Cache-Control"] = "no-store"
        return response
