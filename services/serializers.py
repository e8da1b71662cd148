from __future__ import annotations

from rest_framework import serializers

from services.models import Referral, ReferralEvent, ReferralNote


class ReferralEventOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ReferralEvent
        fields = ["from_status", "to_status", "organisation", "occurred_at"]


class ReferralNoteOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ReferralNote
        fields = ["organisation", "text", "created_at", "expires_at"]


class ReferralOutputSerializer(serializers.ModelSerializer):
    sending_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    receiving_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    service_name = serializers.CharField(source="service.name", read_only=True)
    need = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "status",
            "service",
            "service_name",
            "need",
            "sending_organisation",
            "receiving_organisation",
            "client_token",
            "consent",
            "contact_channel",
            "contact_language",
            "decline_reason",
            "created_at",
            "sent_at",
            "answered_at",
            "closed_at",
            "anonymised_at",
        ]


class ReferralDetailOutputSerializer(ReferralOutputSerializer):
    events = ReferralEventOutputSerializer(many=True, read_only=True)
    notes = ReferralNoteOutputSerializer(many=True, read_only=True)

    class Meta(ReferralOutputSerializer.Meta):
        fields = [*ReferralOutputSerializer.Meta.fields, "events", "notes"]


class ReferralCreateInputSerializer(serializers.Serializer):
    service = serializers.UUIDField()
    need = serializers.SlugField(required=False, allow_blank=True, default="")
    client_token = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=16
    )
    pseudonym_input = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, write_only=True
    )
    consent = serializers.ChoiceField(
        choices=list(Referral.Consent.values), required=False, default=""
    )
    consent_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000
    )
    contact_channel = serializers.ChoiceField(
        choices=list(Referral.Contact.values), required=False, default=""
    )
    contact_address = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    contact_language = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    send = serializers.BooleanField(required=False, default=False)


class ReferralTransitionInputSerializer(serializers.Serializer):
    move = serializers.ChoiceField(
        choices=["send", "withdraw", "accept", "decline", "complete", "no_show"]
    )
    decline_reason = serializers.ChoiceField(
        choices=list(Referral.DeclineReason.values), required=False, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class ReferralNoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
