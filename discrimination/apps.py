from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscriminationConfig(AppConfig):
    name = "discrimination"
    verbose_name = _("Discrimination reports")
