"""Officers set up budgets in the admin; from the opening of the vote nothing that
decides the outcome can be changed there (the actions refuse it too)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from participation import actions
from participation.models import District, Process, Proposal


class DistrictInline(TranslationTabularInline):
    model = District
    extra = 0

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or not obj.is_frozen

    has_add_permission = has_delete_permission = has_change_permission  # type: ignore[assignment]


@admin.register(Process)
class ProcessAdmin(TabbedTranslationAdmin):
    list_display = ("title", "phase", "ballot_type", "official_rule", "voting_opens_on")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [DistrictInline]
    readonly_fields = ("phase",)

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_frozen:
            return [field.name for field in obj._meta.fields]
        return super().get_readonly_fields(request, obj)


@admin.register(Proposal)
class ProposalAdmin(TabbedTranslationAdmin):
    list_display = ("title", "process", "district", "status", "estimated_cost", "final_cost")
    list_filter = ("process", "status")
    list_select_related = ("process", "district")
    exclude = ("supporters", "author")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.process.is_frozen:
            return [field.name for field in obj._meta.fields]
        return ("status",)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        try:
            actions.ensure_not_frozen(obj.process)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return
        super().save_model(request, obj, form, change)
