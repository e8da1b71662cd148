"""Organisation admins keep their own services up to date; city admins the needs taxonomy.

Referrals are not in the admin: they are reached only through the caseworker screens,
scoped to the user's organisations and audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from portal.accounts.models import Organisation
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from services import actions, search
from services.models import (
    Accessibility,
    Address,
    Closure,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

# A web address typed without a scheme is taken as https (Django 6's default, now).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ScheduleInline(TranslationTabularInline):
    formfield_overrides = HTTPS_URLS
    model = Schedule
    fk_name = "service"
    fields = ("byday", "opens_at", "closes_at", "valid_from", "valid_to", "freq", "notes")
    extra = 0


class ClosureInline(TranslationTabularInline):
    formfield_overrides = HTTPS_URLS
    model = Closure
    extra = 0


class LanguageInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Language
    fk_name = "service"
    fields = ("code", "name", "note")
    extra = 0


class PhoneInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Phone
    fk_name = "service"
    fields = ("number", "extension", "type", "description")
    extra = 0


class RequiredDocumentInline(TranslationTabularInline):
    formfield_overrides = HTTPS_URLS
    model = RequiredDocument
    extra = 0


class ServiceAtLocationInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = ServiceAtLocation
    fields = ("location", "description")
    autocomplete_fields = ("location",)
    extra = 0


class AddressInline(admin.StackedInline):
    formfield_overrides = HTTPS_URLS
    model = Address
    extra = 0


class AccessibilityInline(TranslationTabularInline):
    formfield_overrides = HTTPS_URLS
    model = Accessibility
    extra = 0


def _own_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    if request.user.is_superuser or request.user.groups.filter(name="city_admin").exists():
        return Organisation.objects.all()
    return Organisation.objects.filter(
        memberships__user=request.user, memberships__role="organisation_admin"
    )


@admin.register(Location)
class LocationAdmin(TabbedTranslationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "location_type", "organisation", "is_confidential")
    search_fields = ("name",)
    inlines = (AddressInline, AccessibilityInline)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        """A place's coordinates, languages or confidentiality change what its services'
        searches find."""
        super().save_related(request, form, formsets, change)
        search.reindex(
            list(form.instance.service_at_locations.values_list("service_id", flat=True))
        )
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=form.instance,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        return super().get_queryset(request).filter(organisation__in=_own_organisations(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "organisation":
            kwargs["queryset"] = _own_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "version")


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(TabbedTranslationAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("code", "name", "parent")
    list_filter = ("taxonomy",)


@admin.register(Service)
class ServiceAdmin(TabbedTranslationAdmin):
    """Organisation admins keep their own services current; saving counts as checking."""

    formfield_overrides = HTTPS_URLS
    list_display = ("name", "organisation", "status", "last_assured_date")
    list_filter = ("status",)
    search_fields = ("name",)
    filter_horizontal = ("needs",)
    readonly_fields = ("last_assured_date",)
    inlines = (
        ServiceAtLocationInline,
        ScheduleInline,
        ClosureInline,
        LanguageInline,
        PhoneInline,
        RequiredDocumentInline,
    )
    actions = ("confirm_information",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).filter(organisation__in=_own_organisations(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "organisation":
            kwargs["queryset"] = _own_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from django.utils import timezone

        obj.last_assured_date = timezone.localdate()
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
        )

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        search.reindex([form.instance.pk])

    @admin.action(description=_("Confirm that the information is current"))
    def confirm_information(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            actions.service_assure(service=service, user=request.user)  # type: ignore[arg-type]
