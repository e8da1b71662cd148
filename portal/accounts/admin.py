from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts import actions
from portal.accounts.models import Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Language"), {"fields": ("preferred_language",)}),
    )
    list_display = ("username", "is_staff", "is_active", "preferred_language")
    search_fields = ("username",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # A website typed without a scheme is taken as https (Django 6's default, now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "slug", "is_accredited")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """Memberships go through the actions, which keep role groups in step."""
        instances = formset.save(commit=False)
        for membership in formset.deleted_objects:
            actions.membership_delete(membership=membership)
        for membership in instances:
            if membership.pk is None:
                actions.membership_create(
                    user=membership.user,
                    organisation=membership.organisation,
                    role=membership.role,
                )
            else:
                actions.membership_change_role(membership=membership, role=membership.role)
