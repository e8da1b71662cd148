"""Organisation admins keep their own services up to date; city admins the needs taxonomy.

Referrals are not in the admin: they are reached only through the caseworker screens,
scoped to the user's organisations and audited.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from modeltranslation.admin import TabbedTranslationAdmin

from portal.accounts.models import Organisation
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
from services.models import Service, Taxonomy, TaxonomyTerm


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("name", "version")


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(TabbedTranslationAdmin):
    list_display = ("code", "name", "parent")
    list_filter = ("taxonomy",)


@admin.register(Service)
class ServiceAdmin(TabbedTranslationAdmin):
    list_display = ("name", "organisation", "status", "last_assured_date")
    list_filter = ("status",)
    filter_horizontal = ("needs",)

    def _own(self, request: HttpRequest) -> QuerySet[Organisation]:
        if request.user.is_superuser or request.user.groups.filter(name="city_admin").exists():
            return Organisation.objects.all()
        return Organisation.objects.filter(
            memberships__user=request.user, memberships__role="organisation_admin"
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Service]:
        return super().get_queryset(request).filter(organisation__in=self._own(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "organisation":
            kwargs["queryset"] = self._own(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE if change else AuditAction.CREATE,
            obj=obj,
        )
