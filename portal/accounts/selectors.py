from __future__ import annotations

from django.db.models import QuerySet

from portal.accounts.models import Organisation, User


def organisation_list_for_user(*, user: User) -> QuerySet[Organisation]:
    """The organisations `user` belongs to (empty for anonymous users)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct()
