"""The rights guide: topics, articles and the situations (profiles) they apply to.

Text fields are translated with django-modeltranslation (see translation.py). An article
is shown in a language only once that language version is approved by an editor
(`approved_languages`); readers of another language get the approved text of the first
language along the fallback chain, with a notice.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import TimeStampedModel
from rights_guide.needs import Need


class Topic(TimeStampedModel):
    slug = models.SlugField(_("identifier"), unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.title


class Situation(TimeStampedModel):
    """A profile a reader recognises themselves in; answers stay in the URL only."""

    slug = models.SlugField(_("identifier"), unique=True)
    title = models.CharField(_("title"), max_length=160)
    description = models.CharField(_("description"), max_length=400, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    default_needs = ArrayField(
        models.CharField(max_length=32, choices=Need.choices),
        verbose_name=_("needs shown for this situation"),
        default=list,
        blank=True,
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("situation")
        verbose_name_plural = _("situations")

    def __str__(self) -> str:
        return self.title


class Article(TimeStampedModel):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="articles", verbose_name=_("topic")
    )
    slug = models.SlugField(_("identifier"), unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary in plain language"))
    body = models.TextField(_("text"))
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    where_to_go = models.TextField(_("where to go"), blank=True)
    legal_references = models.TextField(_("legal references"), blank=True)
    last_reviewed = models.DateField(_("last reviewed"))
    applies_regardless_of_status = models.BooleanField(
        _("applies whatever the person's papers"), default=False
    )
    needs = ArrayField(
        models.CharField(max_length=32, choices=Need.choices),
        verbose_name=_("needs"),
        default=list,
        blank=True,
    )
    situations = models.ManyToManyField(
        Situation, related_name="articles", blank=True, verbose_name=_("situations")
    )
    related_articles = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("related articles")
    )
    is_published = models.BooleanField(_("published"), default=False)
    approved_languages = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("approved languages"),
        default=list,
        blank=True,
        help_text=_("Readers see a language version only once it is approved."),
    )

    class Meta:
        ordering = ["topic__position", "position", "pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title
