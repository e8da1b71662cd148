from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsGuideConfig(AppConfig):
    name = "rights_guide"
    verbose_name = _("Rights guide")
