from django.contrib import admin

from portal.audit.admin import AuditedAdminMixin
from portal.i18n.models import CoverageReport, LanguageAssignment


@admin.register(LanguageAssignment)
class LanguageAssignmentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "language", "can_review")
    list_filter = ("language", "can_review")
    autocomplete_fields = ("user",)


@admin.register(CoverageReport)
class CoverageReportAdmin(admin.ModelAdmin):
    list_display = (
        "day",
        "language",
        "percent",
        "total",
        "approved",
        "outdated",
        "machine",
        "needs_review",
        "missing",
    )
    list_filter = ("language",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
