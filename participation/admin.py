"""Officers set up budgets in the admin; from the opening of the vote nothing that
decides the outcome can be changed there (the actions refuse it too)."""

from __future__ import annotations

from django.conf import settings
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
        return ()

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        """Texts and costs are saved as typed; a change of status is the feasibility review,
        which goes through the action (reason required, audited, refused once frozen)."""
        try:
            actions.ensure_not_frozen(obj.process)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return
        decided = obj.status
        obj.status = (
            Proposal.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else Proposal.Status.SUBMITTED
        ) or Proposal.Status.SUBMITTED
        super().save_model(request, obj, form, change)
        if decided == obj.status or decided == Proposal.Status.SUBMITTED:
            return
        language, reason = next(
            (
                (code, getattr(obj, f"review_reason_{code}", "") or "")
                for code, _name in settings.LANGUAGES
                if getattr(obj, f"review_reason_{code}", "")
            ),
            (settings.LANGUAGE_CODE, ""),
        )
        try:
            actions.proposal_review(
                proposal=obj,
                is_feasible=decided == Proposal.Status.FEASIBLE,
                final_cost=obj.final_cost,
                reason=reason,
                language=language,
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
