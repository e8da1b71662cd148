"""Reads of the translation workflow: who may do what, what a language covers, and
what a reader must be told about the text in front of them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from portal.i18n import registry
from portal.i18n.models import LanguageAssignment, SourceSegment, TranslationSegment

State = TranslationSegment.State


def _is_superuser(user: object) -> bool:
    return bool(getattr(user, "is_superuser", False))


def assigned_languages(*, user: object) -> list[str]:
    """The target languages `user` translates into (all of them for superusers)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return []
    if _is_superuser(user):
        return registry.languages()
    targets = registry.languages()
    return [
        language
        for language in LanguageAssignment.objects.filter(user=user)
        .order_by("language")
        .values_list("language", flat=True)
        if language in targets
    ]


def may_translate(*, user: object, language: str) -> bool:
    return language in assigned_languages(user=user)


def may_review(*, user: object, language: str) -> bool:
    """Reviewers approve, their own work included; translators only propose."""
    if language not in registry.languages():
        return False
    if _is_superuser(user) and getattr(user, "is_active", False):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return LanguageAssignment.objects.filter(user=user, language=language, can_review=True).exists()


def language_coverage(*, language: str, queryset: QuerySet | None = None) -> dict[str, int]:
    """Paragraphs of `language` by state, and the total."""
    rows = (queryset if queryset is not None else TranslationSegment.objects).filter(
        language=language
    )
    counts = rows.aggregate(
        total=Count("pk"),
        **{state.value: Count("pk", filter=Q(state=state)) for state in State},
    )
    return counts


def coverage_percent(counts: dict[str, int]) -> int:
    """Share of paragraphs approved and current; floor, so 100 means all of them."""
    return 100 * counts["approved"] // counts["total"] if counts["total"] else 100


def models_coverage(*, language: str, models: list[type]) -> int:
    """Percent of the paragraphs of these models' objects approved in `language`."""
    content_types = ContentType.objects.get_for_models(*models).values()
    counts = language_coverage(
        language=language,
        queryset=TranslationSegment.objects.filter(source__content_type__in=content_types),
    )
    return coverage_percent(counts)


def segment_list(
    *, language: str, state: str | None = None, object_key: str | None = None
) -> QuerySet[TranslationSegment]:
    rows = TranslationSegment.objects.filter(language=language).select_related(
        "source", "source__content_type"
    )
    if state:
        rows = rows.filter(state=state)
    if object_key:
        content_type_id, _sep, object_id = object_key.partition(":")
        if content_type_id.isdigit():
            rows = rows.filter(
                source__content_type_id=int(content_type_id), source__object_id=object_id
            )
    return rows.order_by(
        "source__content_type_id", "source__object_id", "source__field", "source__position"
    )


def pending_segments(*, language: str) -> QuerySet[TranslationSegment]:
    """What an exported file holds: every paragraph not approved as it is now."""
    return segment_list(language=language).exclude(state=State.APPROVED)


def memory_match(*, segment: TranslationSegment) -> str:
    """An approved human translation of the same source text elsewhere, if any."""
    match = (
        TranslationSegment.objects.filter(
            language=segment.language,
            published_hash=segment.source.source_hash,
            state=State.APPROVED,
            published_by_machine=False,
        )
        .exclude(pk=segment.pk)
        .exclude(published_text="")
        .values_list("published_text", flat=True)
        .first()
    )
    return match or ""


def object_label(source: SourceSegment) -> str:
    model = source.content_type.model_class()
    obj = model._default_manager.filter(pk=source.object_id).first() if model else None
    return str(obj) if obj is not None else source.object_id


@dataclass(frozen=True)
class ReaderStatus:
    """What a reader of `language` must know about an object's text."""

    outdated_since: datetime.datetime | None
    machine: bool
    source_language: str


_STATUS_COLUMNS = (
    "language",
    "source__object_id",
    "source__field",
    "source__source_hash",
    "source__changed_at",
    "published_text",
    "published_hash",
    "published_by_machine",
)


def reader_status(*, obj: object, language: str) -> ReaderStatus:
    """Whether the published text in `language` lags behind the source (and since when),
    and whether any of it is unreviewed machine translation. One query, or none when
    reader_status_prefetch() has read it with the object's neighbours on the page."""
    model = type(obj)
    source = registry.object_source_language(obj)  # type: ignore[arg-type]
    if language == source or not registry.is_tracked(model):
        return ReaderStatus(None, False, source)
    prefetched = getattr(obj, "_translation_rows", None)
    if prefetched is not None:
        rows = [row for row in prefetched if row["language"] == language]
    else:
        rows = list(
            TranslationSegment.objects.filter(
                source__content_type=ContentType.objects.get_for_model(model),
                source__object_id=str(obj.pk),  # type: ignore[attr-defined]
                language=language,
            ).values(*_STATUS_COLUMNS)
        )
    shown = {row["source__field"] for row in rows if row["published_text"]}
    stale = [
        row["source__changed_at"]
        for row in rows
        if row["source__field"] in shown and row["published_hash"] != row["source__source_hash"]
    ]
    machine = any(row["published_by_machine"] and row["published_text"] for row in rows)
    return ReaderStatus(max(stale) if stale else None, machine, source)


def reader_status_prefetch(objects: list[object]) -> list[object]:
    """Reads the translation records of a page's objects (one model) in one query, so
    that a `{% translation_notice %}` per object costs no query of its own."""
    from django.utils.translation import get_language

    if not objects or not registry.is_tracked(type(objects[0])):
        return objects
    if all(registry.object_source_language(obj) == get_language() for obj in objects):  # type: ignore[arg-type]
        return objects  # readers of the source language are never told anything
    by_id: dict[str, list[dict[str, object]]] = {str(obj.pk): [] for obj in objects}  # type: ignore[attr-defined]
    for row in TranslationSegment.objects.filter(
        source__content_type=ContentType.objects.get_for_model(type(objects[0])),
        source__object_id__in=list(by_id),
    ).values(*_STATUS_COLUMNS):
        by_id[row["source__object_id"]].append(row)
    for obj in objects:
        obj._translation_rows = by_id[str(obj.pk)]  # type: ignore[attr-defined]
    return objects
