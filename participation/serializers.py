from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.i18n.languages import text_in_language


@extend_schema_field(OpenApiTypes.STR)
class TranslatedField(serializers.Field):
    """A modeltranslation field in the language asked for (with fallback)."""

    def __init__(self, field: str, **kwargs: object) -> None:
        self.field_name_to_read = field
        super().__init__(source="*", read_only=True, **kwargs)  # type: ignore[arg-type]

    def to_representation(self, value: object) -> str:
        return text_in_language(value, self.field_name_to_read, self.context.get("language")).text


class DistrictOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = TranslatedField("name")
    budget = serializers.DecimalField(max_digits=14, decimal_places=2)


class ProcessOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = TranslatedField("title")
    phase = serializers.CharField()
    ballot_type = serializers.CharField()
    official_rule = serializers.CharField()
    districts = DistrictOutputSerializer(many=True)


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    district = serializers.SlugField(source="district.slug")
    title = TranslatedField("title")
    description = TranslatedField("description")
    status = serializers.CharField()
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    review_reason = TranslatedField("review_reason")


class ResultOutputSerializer(serializers.Serializer):
    district = serializers.SlugField(source="district.slug")
    rule = serializers.CharField()
    selected = serializers.ListField(child=serializers.IntegerField())
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    ballot_count = serializers.IntegerField()


class BallotCastInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    district = serializers.SlugField()
    choices = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=100))


class BallotCastOutputSerializer(serializers.Serializer):
    receipt = serializers.CharField()


# --- Council of foreign residents --------------------------------------------------------


class CouncilOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = TranslatedField("name")
    description = TranslatedField("description")


class AgendaItemOutputSerializer(serializers.Serializer):
    title = TranslatedField("title")
    description = TranslatedField("description")


class MeetingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = TranslatedField("title")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.SerializerMethodField()
    online_url = serializers.URLField()
    interpretation = serializers.ListField(
        child=serializers.CharField(), source="interpretation_list"
    )
    accessibility = TranslatedField("accessibility")
    agenda = AgendaItemOutputSerializer(many=True, source="agenda_items.all")
    minutes = serializers.SerializerMethodField()

    def get_place(self, meeting) -> str:  # type: ignore[no-untyped-def]
        return str(meeting.location) if meeting.location else meeting.place

    def get_minutes(self, meeting) -> str | None:  # type: ignore[no-untyped-def]
        if meeting.minutes_published_at is None:
            return None
        return text_in_language(meeting, "minutes", self.context.get("language")).text


class RecommendationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = TranslatedField("title")
    text = TranslatedField("text")
    department = serializers.CharField()
    status = serializers.CharField()
    adopted_on = serializers.DateTimeField(source="meeting.starts_at")
    answer = TranslatedField("answer")
    answered_at = serializers.DateTimeField(allow_null=True)
