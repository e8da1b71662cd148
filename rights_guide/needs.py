"""The needs vocabulary shared by guide articles, the questionnaire and service links.

The service directory will carry the same needs as taxonomy terms; until it exists the
guide links to `/<lang>/services/?need=<slug>`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Need(models.TextChoices):
    HEALTH = "health", _("Health care")
    SCHOOLING = "schooling", _("School for children")
    HOUSING = "housing", _("A place to sleep")
    DOMICILIATION = "domiciliation", _("A postal address")
    LEGAL_HELP = "legal_help", _("Legal help")
    WORK = "work", _("Work")
    LANGUAGE_CLASSES = "language_classes", _("Language classes")
    SOCIAL_SUPPORT = "social_support", _("Social support")
    PARTICIPATION = "participation", _("Taking part in city life")
    DISCRIMINATION = "discrimination", _("Discrimination")
    REGISTRATION = "registration", _("Proof of residence")
