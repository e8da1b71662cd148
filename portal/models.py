"""Models shared by every app, and the home page's editable welcome notice."""

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
