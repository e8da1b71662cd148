from django.contrib import admin

from portal.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only view of the outbox; the address is never shown."""

    list_display = ("message", "channel", "language", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "channel", "language")
    fields = (
        "message",
        "channel",
        "language",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
