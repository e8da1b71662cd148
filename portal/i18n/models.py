"""The translation workflow's records: the source text of every translatable field cut
into paragraphs, and per language what was published, suggested and proposed for each.

The model's own `<field>_<language>` column (django-modeltranslation) holds what readers
see; it is rebuilt from the paragraphs' published texts when a reviewer approves. A
machine suggestion and a human proposal are stored apart and never reach readers
without approval (unless the language allows labelled machine text)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceSegment(models.Model):
    """One paragraph of a field's text in the source language."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    field = models.CharField(max_length=64)
    position = models.PositiveIntegerField()
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField()
    source_hash = models.CharField(max_length=64)
    changed_at = models.DateTimeField(_("changed in the source language at"))

    class Meta:
        ordering = ["content_type", "object_id", "field", "position"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "position"],
                name="i18n_source_segment_unique_position",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]
        verbose_name = _("source paragraph")
        verbose_name_plural = _("source paragraphs")

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} {self.field} ¶{self.position + 1}"


class TranslationSegment(models.Model):
    """One paragraph in one target language."""

    class State(models.TextChoices):
        MISSING = "missing", _("missing")
        OUTDATED = "outdated", _("outdated")
        MACHINE = "machine", _("machine suggestion")
        NEEDS_REVIEW = "needs_review", _("awaiting review")
        APPROVED = "approved", _("approved")

    source = models.ForeignKey(SourceSegment, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    # What readers see (part of the model's column), and the source it translates.
    published_text = models.TextField(blank=True)
    published_hash = models.CharField(max_length=64, blank=True)
    published_by_machine = models.BooleanField(default=False)
    # A machine suggestion, kept apart from human text.
    machine_text = models.TextField(blank=True)
    machine_hash = models.CharField(max_length=64, blank=True)
    machine_tool = models.CharField(max_length=32, blank=True)
    machine_at = models.DateTimeField(null=True, blank=True)
    # A human proposal (typed, imported, or an exact match from the memory) to review.
    draft_text = models.TextField(blank=True)
    draft_hash = models.CharField(max_length=64, blank=True)
    draft_tool = models.CharField(max_length=32, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["source"]
        indexes = [
            models.Index(fields=["language", "state"]),
            models.Index(fields=["published_hash", "language"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "language"], name="i18n_translation_segment_unique"
            )
        ]
        verbose_name = _("translated paragraph")
        verbose_name_plural = _("translated paragraphs")

    def __str__(self) -> str:
        return f"{self.source} [{self.language}]"

    @property
    def is_current(self) -> bool:
        """Whether the published text translates the source as it is now."""
        return bool(self.published_text) and self.published_hash == self.source.source_hash


class LanguageAssignment(models.Model):
    """A person translates into a language; a reviewer also approves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_assignments",
        verbose_name=_("person"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    can_review = models.BooleanField(_("reviews and approves"), default=False)

    class Meta:
        ordering = ["language", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "language"], name="i18n_assignment_unique")
        ]
        verbose_name = _("language assignment")
        verbose_name_plural = _("language assignments")

    def __str__(self) -> str:
        return f"{self.user} → {self.language}"


class CoverageReport(models.Model):
    """How much of the translatable text a language covers, counted once a day."""

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=10)
    total = models.PositiveIntegerField(_("paragraphs"))
    approved = models.PositiveIntegerField(_("approved and current"))
    outdated = models.PositiveIntegerField(_("outdated"))
    machine = models.PositiveIntegerField(_("machine suggestions"))
    needs_review = models.PositiveIntegerField(_("awaiting review"))
    missing = models.PositiveIntegerField(_("missing"))

    class Meta:
        ordering = ["-day", "language"]
        constraints = [
            models.UniqueConstraint(fields=["day", "language"], name="i18n_coverage_unique")
        ]
        verbose_name = _("translation coverage report")
        verbose_name_plural = _("translation coverage reports")

    def __str__(self) -> str:
        return f"{self.day} {self.language}"

    @property
    def percent(self) -> int:
        return round(100 * self.approved / self.total) if self.total else 100
