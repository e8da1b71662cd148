from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal.page_cache import connect_purge

        connect_purge()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin site, needing a verified second factor as well as staff status."""

    default = False
    default_site = "portal.security.PortalAdminSite"
