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
