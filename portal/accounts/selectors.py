from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role


def organisation_list_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations `user` belongs to (empty for anonymous users)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()


def user_has_role(*, user: User, role: Role) -> bool:
    """Whether `user` holds a global role (city admins and superusers hold them all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=[str(role), str(Role.CITY_ADMIN)]).exists()


def second_factor_required(*, user: User) -> bool:
    """Whether `user` must confirm a second factor (TOTP) before using the portal.

    Every staff account must: staff and superuser flags, any role (group) and any
    organisation membership. A resident's own account needs it only once they have set
    it up themselves (optional for them).
    """
    from django_otp import user_has_device

    if not user.is_authenticated:
        return False
    return (
        user.is_staff
        or user.is_superuser
        or user.groups.exists()
        or user.memberships.exists()
        or user_has_device(user, confirmed=True)
    )


def second_factor_device(*, user: User) -> object | None:
    """The user's confirmed authenticator (TOTP) device, or None before enrolment."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
