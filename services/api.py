"""Referrals API for organisations' own systems (token or session), with the permissions
of the screens: only referrals to or from the caller's organisations exist for it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from services import actions, selectors
from services.models import Referral, Service, TaxonomyTerm
from services.serializers import (
    ReferralCreateInputSerializer,
    ReferralDetailOutputSerializer,
    ReferralNoteInputSerializer,
    ReferralOutputSerializer,
    ReferralTransitionInputSerializer,
)


class IsOrganisationMember(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return bool(selectors.organisation_ids_of(user=request.user))  # type: ignore[arg-type]


def _no_store(response: Response) -> Response:
    response["Cache-Control"] = "no-store"
    return response


def _problem(error: DjangoValidationError) -> ValidationError:
    return ValidationError({"detail": error.messages})


class ReferralListCreateApi(generics.GenericAPIView):
    """GET: the caller's organisations' referrals. POST: a new referral (draft or sent)."""

    permission_classes = [permissions.IsAuthenticated, IsOrganisationMember]
    serializer_class = ReferralOutputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("direction", str, enum=["received", "sent"]),
            OpenApiParameter("status", str, enum=list(Referral.Status.values)),
        ],
        responses=ReferralOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        referrals = selectors.referral_list(
            user=request.user,  # type: ignore[arg-type]
            direction=request.query_params.get("direction", ""),
            status=request.query_params.get("status", ""),
        )
        page = self.paginate_queryset(referrals)
        return _no_store(
            self.get_paginated_response(ReferralOutputSerializer(page, many=True).data)
        )

    @extend_schema(
        request=ReferralCreateInputSerializer, responses={201: ReferralDetailOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        serializer = ReferralCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        service = Service.objects.select_related("organisation").filter(pk=data["service"]).first()
        if service is None:
            raise ValidationError({"service": ["No service has this id."]})
        need = None
        if data["need"]:
            need = TaxonomyTerm.objects.filter(code=data["need"]).first()
            if need is None:
                raise ValidationError({"need": ["No need has this code."]})
        language = data["contact_language"] or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"contact_language": ["Unknown language."]})
        try:
            referral = actions.referral_create(
                caseworker=request.user,  # type: ignore[arg-type]
                service=service,
                need=need,
                client_token=data["client_token"],
                pseudonym_input=data["pseudonym_input"],
                consent=data["consent"],
                consent_override_reason=data["consent_override_reason"],
                contact_channel=data["contact_channel"],
                contact_address=data["contact_address"],
                contact_language=language,
                note=data["note"],
                send=data["send"],
            )
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except DjangoValidationError as error:
            raise _problem(error) from None
        referral = selectors.referral_get(user=request.user, referral_id=referral.pk)  # type: ignore[arg-type]
        return _no_store(
            Response(ReferralDetailOutputSerializer(referral).data, status=status.HTTP_201_CREATED)
        )


class ReferralDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsOrganisationMember]

    @extend_schema(responses=ReferralDetailOutputSerializer)
    def get(self, request: Request, referral_id: str) -> Response:
        try:
            referral = actions.referral_open(referral_id=referral_id, user=request.user)  # type: ignore[arg-type]
        except Referral.DoesNotExist:
            raise Http404 from None
        return _no_store(Response(ReferralDetailOutputSerializer(referral).data))


class ReferralTransitionApi(APIView):
    """One move: send, withdraw (sender); accept, decline, complete, no_show (receiver)."""

    permission_classes = [permissions.IsAuthenticated, IsOrganisationMember]

    @extend_schema(
        request=ReferralTransitionInputSerializer,
        responses={200: ReferralDetailOutputSerializer},
    )
    def post(self, request: Request, referral_id: str) -> Response:
        serializer = ReferralTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            actions.referral_transition(
                referral_id=referral_id,
                user=request.user,  # type: ignore[arg-type]
                move=data["move"],
                decline_reason=data["decline_reason"],
                note=data["note"],
            )
        except Referral.DoesNotExist:
            raise Http404 from None
        except DjangoPermissionDenied:
            raise PermissionDenied from None
        except DjangoValidationError as error:
            return _no_store(Response({"detail": error.messages}, status=status.HTTP_409_CONFLICT))
        referral = selectors.referral_get(user=request.user, referral_id=referral_id)  # type: ignore[arg-type]
        return _no_store(Response(ReferralDetailOutputSerializer(referral).data))


class ReferralNoteCreateApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsOrganisationMember]

    @extend_schema(
        request=ReferralNoteInputSerializer, responses={201: ReferralDetailOutputSerializer}
    )
    def post(self, request: Request, referral_id: str) -> Response:
        serializer = ReferralNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            actions.referral_note_add(
                referral_id=referral_id,
                user=request.user,  # type: ignore[arg-type]
                text=serializer.validated_data["text"],
            )
        except Referral.DoesNotExist:
            raise Http404 from None
        except DjangoValidationError as error:
            raise _problem(error) from None
        referral = selectors.referral_get(user=request.user, referral_id=referral_id)  # type: ignore[arg-type]
        return _no_store(
            Response(ReferralDetailOutputSerializer(referral).data, status=status.HTTP_201_CREATED)
        )
