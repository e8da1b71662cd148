"""Writes of the translation workflow: following source texts, machine suggestions,
proposals, approval, and publishing approved paragraphs to the model's columns."""

from __future__ import annotations

import difflib
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.i18n import registry
from portal.i18n.models import CoverageReport, SourceSegment, TranslationSegment
from portal.i18n.selectors import language_coverage, may_review, may_translate
from portal.i18n.signals import translation_published

logger = logging.getLogger(__name__)
State = TranslationSegment.State


@dataclass
class SyncResult:
    """What a save of the source text changed."""

    created: list[SourceSegment] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)  # source segment ids
    deleted: int = 0

    @property
    def anything(self) -> bool:
        return bool(self.created or self.changed or self.deleted)


def source_sync(*, obj: models.Model) -> SyncResult:
    """Bring the object's paragraphs in line with its source-language text.

    Paragraphs are matched by their text's hash (difflib over the hash sequence), so an
    edited paragraph marks only itself outdated, and inserting or removing one moves
    the others without touching their translations. The first sync adopts translations
    already in the columns where their paragraphs line up with the source's.
    Afterwards, once the transaction commits, each target language gets a
    pre-translation job (ids only).
    """
    model = type(obj)
    content_type = ContentType.objects.get_for_model(model)
    object_id = str(obj.pk)
    existing: dict[str, list[SourceSegment]] = defaultdict(list)
    for segment in SourceSegment.objects.filter(
        content_type=content_type, object_id=object_id
    ).order_by("position"):
        existing[segment.field].append(segment)
    result = SyncResult()
    now = timezone.now()
    first_sync: set[str] = set()
    source = registry.object_source_language(obj)
    with transaction.atomic():
        if any(s.language != source for rows in existing.values() for s in rows):
            # Written in another language now: its paragraphs start again.
            SourceSegment.objects.filter(content_type=content_type, object_id=object_id).delete()
            existing.clear()
        for name in registry.tracked_fields(model):
            paragraphs = registry.split(model, name, getattr(obj, registry.column(name, source)))
            new_hashes = [registry.text_hash(text) for text in paragraphs]
            old = existing.get(name, [])
            if [segment.source_hash for segment in old] == new_hashes:
                continue
            if not old:
                first_sync.add(name)
            _align(content_type, object_id, name, source, old, paragraphs, new_hashes, now, result)
        if result.anything:
            _follow_translations(obj, result, first_sync)
        if existing:  # translations that were there before this save
            _adopt_column_edits(obj, [s.pk for rows in existing.values() for s in rows])
        if not result.anything:
            return result
        languages = _languages_with_work(registry.target_languages(source))
        if languages and not registry.is_quiet():
            ids = (content_type.pk, object_id, languages)
            transaction.on_commit(lambda: _enqueue_pretranslation(*ids))
    return result


def _align(
    content_type: ContentType,
    object_id: str,
    name: str,
    language: str,
    old: list[SourceSegment],
    paragraphs: list[str],
    new_hashes: list[str],
    now: object,
    result: SyncResult,
) -> None:
    matcher = difflib.SequenceMatcher(
        a=[segment.source_hash for segment in old], b=new_hashes, autojunk=False
    )
    moved: list[SourceSegment] = []
    edited: list[SourceSegment] = []
    created: list[SourceSegment] = []
    removed: list[int] = []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        pairs = list(zip(range(a_start, a_end), range(b_start, b_end), strict=False))
        for a, b in pairs:
            segment = old[a]
            if tag == "equal":
                if segment.position != b:
                    segment.position = b
                    moved.append(segment)
            else:  # an edited paragraph keeps its translations, now outdated
                segment.position, segment.text = b, paragraphs[b]
                segment.source_hash, segment.changed_at = new_hashes[b], now
                edited.append(segment)
        removed += [old[a].pk for a in range(a_start + len(pairs), a_end)]
        created += [
            SourceSegment(
                content_type=content_type,
                object_id=object_id,
                field=name,
                position=b,
                language=language,
                text=paragraphs[b],
                source_hash=new_hashes[b],
                changed_at=now,
            )
            for b in range(b_start + len(pairs), b_end)
        ]
    if removed:
        SourceSegment.objects.filter(pk__in=removed).delete()
        result.deleted += len(removed)
    SourceSegment.objects.bulk_update(moved, ["position"])
    SourceSegment.objects.bulk_update(edited, ["position", "text", "source_hash", "changed_at"])
    result.changed += [segment.pk for segment in edited]
    result.created += SourceSegment.objects.bulk_create(created)


def _follow_translations(obj: models.Model, result: SyncResult, first_sync: set[str]) -> None:
    created = result.created
    languages = registry.target_languages(registry.object_source_language(obj))
    if result.changed:
        changed = TranslationSegment.objects.filter(source_id__in=result.changed)
        changed.filter(published_text="").update(state=State.MISSING)
        changed.exclude(published_text="").update(state=State.OUTDATED)
    adopted = _first_translations(obj, created, first_sync, languages)
    rows = []
    for source in created:
        for language in languages:
            text = adopted.get((source.pk, language), "")
            rows.append(
                TranslationSegment(
                    source=source,
                    language=language,
                    state=State.APPROVED if text else State.MISSING,
                    published_text=text,
                    published_hash=source.source_hash if text else "",
                )
            )
    TranslationSegment.objects.bulk_create(rows, batch_size=1000)


def _first_translations(
    obj: models.Model, created: list[SourceSegment], first_sync: set[str], languages: list[str]
) -> dict[tuple[int, str], str]:
    """Translations written before the workflow followed this object count as approved
    where their paragraphs line up one to one with the source's."""
    by_field: dict[str, list[SourceSegment]] = defaultdict(list)
    for source in created:
        if source.field in first_sync:
            by_field[source.field].append(source)
    adopted = {}
    for name, sources in by_field.items():
        sources.sort(key=lambda source: source.position)
        for language in languages:
            column = getattr(obj, registry.column(name, language), "")
            paragraphs = registry.split(type(obj), name, column)
            if len(paragraphs) == len(sources):
                for source, text in zip(sources, paragraphs, strict=True):
                    adopted[(source.pk, language)] = text
    return adopted


def _adopt_column_edits(obj: models.Model, source_ids: list[int]) -> None:
    """A target-language column edited in the admin, paragraph for paragraph with the
    source, is taken as that language's published text (the admin is a publishing
    tool); anything else is left to the workflow."""
    segments: dict[tuple[str, str], list[TranslationSegment]] = defaultdict(list)
    for segment in (
        TranslationSegment.objects.filter(source_id__in=source_ids)
        .select_related("source")
        .order_by("source__position")
    ):
        segments[(segment.source.field, segment.language)].append(segment)
    changed = []
    for (name, language), rows in segments.items():
        paragraphs = registry.split(type(obj), name, getattr(obj, registry.column(name, language)))
        if len(paragraphs) != len(rows) or [row.published_text for row in rows] == paragraphs:
            continue
        for row, text in zip(rows, paragraphs, strict=True):
            if row.published_text != text:
                row.published_text, row.published_hash = text, row.source.source_hash
                row.published_by_machine, row.state = False, State.APPROVED
                changed.append(row)
    TranslationSegment.objects.bulk_update(
        changed, ["published_text", "published_hash", "published_by_machine", "state"]
    )


def memory_reuse(*, content_type_id: int, object_id: str, language: str) -> int:
    """An exact match of a paragraph already approved elsewhere in `language` becomes
    the object's proposal (awaiting review), so a repeated sentence is translated once.
    Returns how many paragraphs got one; running it again changes nothing."""
    waiting = list(
        TranslationSegment.objects.filter(
            source__content_type_id=content_type_id,
            source__object_id=object_id,
            language=language,
            state__in=[State.MISSING, State.OUTDATED],
        ).select_related("source")
    )
    hashes = {segment.source.source_hash for segment in waiting}
    memory = (
        {
            (row["published_hash"], row["language"]): row["published_text"]
            for row in TranslationSegment.objects.filter(
                published_hash__in=hashes,
                language=language,
                state=State.APPROVED,
                published_by_machine=False,
            )
            .exclude(published_text="")
            .values("published_hash", "language", "published_text")
        }
        if hashes
        else {}
    )
    now = timezone.now()
    reused = []
    for segment in waiting:
        text = memory.get((segment.source.source_hash, segment.language))
        if text is not None:
            segment.draft_text, segment.draft_hash = text, segment.source.source_hash
            segment.draft_tool, segment.drafted_by, segment.drafted_at = "memory", None, now
            segment.state = State.NEEDS_REVIEW
            reused.append(segment)
    TranslationSegment.objects.bulk_update(
        reused,
        ["draft_text", "draft_hash", "draft_tool", "drafted_by", "drafted_at", "state"],
    )
    return len(reused)


def _languages_with_work(languages: list[str]) -> list[str]:
    """The languages a job can do something for: all of them with a machine
    configured, else those with someone assigned to translate them."""
    from portal.i18n.models import LanguageAssignment

    if settings.MACHINE_TRANSLATION.get("BACKEND", "none") != "none":
        return languages
    assigned = set(
        LanguageAssignment.objects.filter(language__in=languages).values_list("language", flat=True)
    )
    return [language for language in languages if language in assigned]


def _enqueue_pretranslation(content_type_id: int, object_id: str, languages: list[str]) -> None:
    from portal.i18n.tasks import translation_pretranslate_task

    for language in languages:
        try:
            translation_pretranslate_task.apply_async(
                (content_type_id, object_id, language), retry=False
            )
        except Exception:  # the broker is down; the daily job picks the object up
            logger.warning("pre-translation of one object into %s not queued now", language)


def _object(content_type_id: int, object_id: str) -> models.Model | None:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return model._default_manager.filter(pk=object_id).first() if model else None


def pretranslate(*, content_type_id: int, object_id: str, language: str) -> int:
    """Ask the configured machine for the object's paragraphs still to translate into
    `language`; returns how many got a suggestion. Running it again changes nothing."""
    from portal.i18n.machine import get_backend

    backend = get_backend()
    source = (
        SourceSegment.objects.filter(content_type_id=content_type_id, object_id=object_id)
        .values_list("language", flat=True)
        .first()
    )
    if source is None or language == source or not backend.supports(source, language):
        return 0
    with transaction.atomic():
        segments = [
            segment
            for segment in TranslationSegment.objects.select_for_update(of=("self",))
            .filter(
                source__content_type_id=content_type_id,
                source__object_id=object_id,
                language=language,
                state__in=[State.MISSING, State.OUTDATED],
            )
            .select_related("source")
            .order_by("source__field", "source__position")
            if segment.machine_hash != segment.source.source_hash
        ]
        if not segments:
            return 0
        texts = backend.translate(source, language, [s.source.text for s in segments])
        now = timezone.now()
        publish = language in settings.TRANSLATION_MACHINE_PUBLISHED_LANGUAGES
        for segment, text in zip(segments, texts, strict=True):
            segment.machine_text, segment.machine_hash = text, segment.source.source_hash
            segment.machine_tool, segment.machine_at = backend.name, now
            segment.state = State.MACHINE
            if publish:
                segment.published_text, segment.published_hash = text, segment.machine_hash
                segment.published_by_machine = True
        TranslationSegment.objects.bulk_update(
            segments,
            [
                "machine_text",
                "machine_hash",
                "machine_tool",
                "machine_at",
                "state",
                "published_text",
                "published_hash",
                "published_by_machine",
            ],
        )
        if publish:
            _publish(content_type_id, object_id, {s.source.field for s in segments}, language)
    logger.info(
        "machine suggestions: %s paragraphs into %s by %s", len(segments), language, backend.name
    )
    return len(segments)


def translators_notify(*, content_type_id: int, object_id: str, language: str) -> int:
    """Tell the language's translators that the object has paragraphs to translate
    or review (once per state of its source text)."""
    from portal.accounts.models import User
    from portal.notifications.actions import link_in, notification_enqueue

    pending = TranslationSegment.objects.filter(
        source__content_type_id=content_type_id, source__object_id=object_id, language=language
    ).exclude(state=State.APPROVED)
    count = pending.count()
    obj = _object(content_type_id, object_id)
    if not count or obj is None:
        return 0
    version = hashlib.sha256(
        "".join(
            SourceSegment.objects.filter(
                content_type_id=content_type_id, object_id=object_id
            ).values_list("source_hash", flat=True)
        ).encode()
    ).hexdigest()[:16]
    translators = User.objects.filter(
        is_active=True, language_assignments__language=language
    ).exclude(email="")
    sent = 0
    for user in translators:
        url = link_in(user.preferred_language, "i18n:segment-list", language)
        notification_enqueue(
            channel="email",
            recipient=user.email,
            message="translation_needed",
            language=user.preferred_language,
            idempotency_key=f"translation:{content_type_id}:{object_id}:{language}:{version}:{user.pk}",
            context={
                "title": str(obj)[:120],
                "count": count,
                "language": language,
                "url": f"{url}?object={content_type_id}:{object_id}",
            },
        )
        sent += 1
    return sent


def _publish(content_type_id: int, object_id: str, fields: set[str], language: str) -> None:
    """Write the published paragraphs of `fields` to the model's `language` column.

    A field is written only when each of its paragraphs has a published text (new
    source paragraphs not yet translated keep the last whole version in place); the
    language joins the model's published languages once every paragraph is current.
    """
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None:  # the model's app was removed
        return
    rows: dict[str, list[TranslationSegment]] = defaultdict(list)
    for segment in (
        TranslationSegment.objects.filter(
            source__content_type_id=content_type_id, source__object_id=object_id, language=language
        )
        .select_related("source")
        .order_by("source__position")
    ):
        rows[segment.source.field].append(segment)
    updates = {
        registry.column(name, language): registry.join([row.published_text for row in rows[name]])
        for name in fields
        if rows[name] and all(row.published_text for row in rows[name])
    }
    queryset = model._default_manager.filter(pk=object_id)
    languages_field = registry.published_languages_field(model)
    all_current = all(row.is_current for field_rows in rows.values() for row in field_rows)
    if languages_field and all_current:
        current = queryset.values_list(languages_field, flat=True).first() or []
        if language not in current:
            updates[languages_field] = [*current, language]
    if updates:
        queryset.update(**updates)
        ids = (model, object_id, language)
        transaction.on_commit(
            lambda: translation_published.send(sender=ids[0], object_id=ids[1], language=ids[2])
        )


def translation_propose(
    *, segment: TranslationSegment, user: object, text: str, tool: str = "editor"
) -> TranslationSegment:
    """A translator's text for the paragraph as it is now; it awaits review."""
    if not may_translate(user=user, language=segment.language):
        raise PermissionDenied(_("You are not a translator for this language."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the translation before saving it."))
    segment.draft_text, segment.draft_hash = text, segment.source.source_hash
    segment.draft_tool, segment.drafted_by, segment.drafted_at = tool, user, timezone.now()
    if segment.state != State.APPROVED or segment.published_text != text:
        segment.state = State.NEEDS_REVIEW
    segment.save()
    return segment


def translation_approve(
    *, segment: TranslationSegment, user: object, text: str | None = None
) -> TranslationSegment:
    """A reviewer publishes the paragraph's proposal (or their own text)."""
    from portal.audit.actions import audit_record
    from portal.audit.models import AuditAction

    if not may_review(user=user, language=segment.language):
        raise PermissionDenied(_("Only a reviewer of this language can approve translations."))
    with transaction.atomic():
        segment = (
            TranslationSegment.objects.select_for_update(of=("self",))
            .select_related("source")
            .get(pk=segment.pk)
        )
        if text is not None and text.strip() != segment.draft_text:
            translation_propose(segment=segment, user=user, text=text)
        if not segment.draft_text:
            raise ValidationError(_("There is no translation to approve yet."))
        if segment.draft_hash != segment.source.source_hash:
            raise ValidationError(
                _("The source text changed after this translation was written; check it again.")
            )
        segment.published_text, segment.published_hash = segment.draft_text, segment.draft_hash
        segment.published_by_machine = False
        segment.state = State.APPROVED
        segment.reviewed_by, segment.reviewed_at = user, timezone.now()
        segment.save()
        source = segment.source
        _publish(source.content_type_id, source.object_id, {source.field}, segment.language)
        audit_record(
            actor=user,  # type: ignore[arg-type]
            action=AuditAction.CHANGE,
            obj=segment,
            detail=f"approved {segment.language}",
        )
    return segment


def translations_import(
    *, language: str, user: object, proposals: list[tuple[int, str, str]], tool: str
) -> int:
    """Proposals read from a PO or XLIFF file, (segment id, source hash, text): all
    saved, or — if one is refused — none. Returns how many were saved."""
    if not may_translate(user=user, language=language):
        raise PermissionDenied(_("You are not a translator for this language."))
    with transaction.atomic():
        segments = TranslationSegment.objects.select_for_update(of=("self",)).select_related(
            "source"
        )
        found = {s.pk: s for s in segments.filter(pk__in=[pk for pk, *_r in proposals])}
        for pk, source_hash, _text in proposals:
            segment = found.get(pk)
            if segment is None or segment.language != language:
                raise ValidationError(
                    _("Paragraph %(id)s is not part of this language's translations.") % {"id": pk}
                )
            if segment.source.source_hash != source_hash:
                raise ValidationError(
                    _(
                        "Paragraph %(id)s (%(where)s) changed in the source language after "
                        "this file was exported. Export the file again."
                    )
                    % {"id": pk, "where": str(segment.source)}
                )
        for pk, _source_hash, text in proposals:
            translation_propose(segment=found[pk], user=user, text=text, tool=tool)
    return len(proposals)


def coverage_report(*, day: object = None) -> list[CoverageReport]:
    """Count each language's paragraphs by state (the daily beat job)."""
    day = day or timezone.localdate()
    reports = []
    for language in registry.languages():
        counts = language_coverage(language=language)
        report, _created = CoverageReport.objects.update_or_create(
            day=day, language=language, defaults=counts
        )
        logger.info("translation coverage %s: %s%% of %s", language, report.percent, report.total)
        reports.append(report)
    return reports
