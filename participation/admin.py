"""Officers set up budgets in the admin; from the opening of the vote nothing that
decides the outcome can be changed there (the actions refuse it too)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from participation import actions
from participation.models import (
    AgendaItem,
    Attendance,
    Council,
    CouncilMember,
    District,
    Meeting,
    MeetingDocument,
    Process,
    Proposal,
    Recommendation,
)
from portal.audit.admin import AuditedAdminMixin


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


# --- Council of foreign residents --------------------------------------------------------


class CouncilMemberInline(TranslationStackedInline):
    model = CouncilMember
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Council)
class CouncilAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    list_display = ("name", "slug", "is_active")
    inlines = [CouncilMemberInline]


class AgendaItemInline(TranslationTabularInline):
    model = AgendaItem
    extra = 1


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    extra = 0


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "member":
            kwargs["queryset"] = CouncilMember.objects.select_related("council")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Meeting)
class MeetingAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    """Council secretaries plan meetings, publish the agenda and the minutes and record
    attendance here. A new public meeting is announced to the council's followers;
    "Publish the minutes" announces those (each once)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "council", "starts_at", "is_public", "minutes_published_at")
    list_filter = ("council", "is_public")
    readonly_fields = ("minutes_published_at",)
    inlines = [AgendaItemInline, MeetingDocumentInline, AttendanceInline]
    actions = ["publish_minutes"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        if not change:
            actions.meeting_announce(meeting=obj)

    @admin.action(description=_("Publish the minutes (and tell the followers)"))
    def publish_minutes(self, request, queryset):  # type: ignore[no-untyped-def]
        for meeting in queryset:
            try:
                actions.minutes_publish(meeting=meeting, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{meeting}: {error.messages[0]}", messages.ERROR)


@admin.register(Recommendation)
class RecommendationAdmin(AuditedAdminMixin, TabbedTranslationAdmin):
    """The text of a recommendation as adopted. Its status moves on its public page
    (participation.actions.recommendation_transition: checked, audited, announced)."""

    list_display = ("title", "council", "department", "status", "answered_at")
    list_filter = ("council", "status")
    readonly_fields = ("status", "answered_at")
    exclude = ("answer", *(f"answer_{code}" for code, _name in settings.LANGUAGES))
