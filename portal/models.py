"""Models shared by every app, and the home page's editable welcome notice."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class HomeNotice(TimeStampedModel):
    """A short message the city puts on every language's home page (translated)."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    slug = models.SlugField(_("identifier"), unique=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("home page notice")
        verbose_name_plural = _("home page notices")

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """A word of published content in one language, with its trigrams.

    Spelling tolerance without the pg_trgm extension (which the embedded PostgreSQL does
    not ship): a GIN index on the trigram array finds candidate words sharing trigrams
    with a misspelt one, and portal.search ranks them by trigram similarity.
    """

    scope = models.CharField(_("scope"), max_length=32)
    language = models.CharField(_("language"), max_length=10)
    word = models.CharField(_("word"), max_length=100)
    trigrams = ArrayField(models.CharField(max_length=3), verbose_name=_("trigrams"))

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "language", "word"], name="search_term_unique_word"
            )
        ]
        indexes = [GinIndex(fields=["trigrams"], name="search_term_trigrams")]

    def __str__(self) -> str:
        return self.word
