from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts import actions
from portal.accounts.models import Membership, Organisation, User

# Authenticator secrets and backup codes are nobody's to browse: a person sees theirs once
# while setting up, and a city admin resets them (action above), never reads them.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Language"), {"fields": ("preferred_language",)}),
    )
    list_display = ("username", "is_staff", "is_active", "preferred_language")
    search_fields = ("username",)
    actions = ["reset_second_factor"]

    @admin.action(description=_("Reset second factor (lost phone)"), permissions=["change"])
    def reset_second_factor(self, request, queryset):  # type: ignore[no-untyped-def]
        """The person sets up a new authenticator at their next sign-in; their sessions
        end. Only city admins may change accounts, and each reset is audited."""
        for user in queryset:
            actions.second_factor_reset(user=user, by=request.user)
        self.message_user(
            request,
            _("Second factor reset for %(count)d account(s).") % {"count": len(queryset)},
        )

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        """Only a superuser makes superusers or hands out single permissions: a city
        admin gives roles (groups), and every change of roles is audited."""
        fields = super().get_readonly_fields(request, obj)
        if request.user.is_superuser:
            return fields
        return (*fields, "is_superuser", "user_permissions")

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        from portal.audit.actions import audit_record
        from portal.audit.models import AuditAction

        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        if before != after:
            added = ",".join(sorted(after - before))
            removed = ",".join(sorted(before - after))
            audit_record(
                actor=request.user,
                action=AuditAction.CHANGE,
                obj=user,
                detail=f"roles +{added} -{removed}",
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


def _is_city_admin(request) -> bool:  # type: ignore[no-untyped-def]
    from portal.accounts.roles import Role
    from portal.accounts.selectors import user_has_role

    return user_has_role(user=request.user, role=Role.CITY_ADMIN)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """City admins manage every organisation. An organisation admin sees and edits only
    the organisations they administer, and cannot accredit one nor create one: adding
    themselves to another organisation would open its referrals and attestations."""

    # A website typed without a scheme is taken as https (Django 6's default, now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("name", "slug", "is_accredited")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        organisations = super().get_queryset(request)
        if _is_city_admin(request):
            return organisations
        return organisations.filter(
            memberships__user=request.user, memberships__role="organisation_admin"
        ).distinct()

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return () if _is_city_admin(request) else ("slug", "is_accredited")

    def get_prepopulated_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return self.prepopulated_fields if _is_city_admin(request) else {}

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return _is_city_admin(request) and super().has_add_permission(request)

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
