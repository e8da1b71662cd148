from django.contrib import admin

from portal.audit.actions import audit_record
from portal.audit.models import AuditAction, AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor", "action", "content_type", "object_pk")
    list_filter = ("action", "content_type")
    date_hierarchy = "occurred_at"
    list_select_related = ("actor", "content_type")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class AuditedAdminMixin:
    """Every add, change and deletion made in these admin pages also goes to the
    portal's append-only audit log (who, what, which record), not only Django's
    admin history."""

    def log_addition(self, request, obj, message):  # type: ignore[no-untyped-def]
        audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj, detail="admin")
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request, obj, message):  # type: ignore[no-untyped-def]
        audit_record(actor=request.user, action=AuditAction.CHANGE, obj=obj, detail="admin")
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def log_deletions(self, request, queryset):  # type: ignore[no-untyped-def]
        for obj in queryset:
            audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, detail="admin")
        return super().log_deletions(request, queryset)  # type: ignore[misc]
