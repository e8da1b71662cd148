"""Accounts, organisations and memberships: every write goes through here."""

from __future__ import annotations

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify

from portal.accounts.models import ApiToken, Membership, Organisation, User
from portal.accounts.roles import Role, sync_role_permissions
from portal.notifications.actions import notification_enqueue


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    email: str = "",
    preferred_language: str | None = None,
    roles: list[Role] | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    notify: bool = True,
) -> User:
    """Create an account; with an email, tell the person in their language."""
    user = User(
        username=username,
        email=email,
        is_staff=is_staff or is_superuser or bool(roles),
        is_superuser=is_superuser,
    )
    if preferred_language:
        user.preferred_language = preferred_language
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    if roles:
        user.groups.add(*(role_group(role) for role in roles))
    if notify and email:
        notification_enqueue(
            channel="email",
            recipient=email,
            message="account_created",
            language=user.preferred_language,
            idempotency_key=f"account_created:{user.pk}",
            context={"username": user.username},
        )
    return user


@transaction.atomic
def organisation_create(*, name: str, slug: str = "", is_accredited: bool = False) -> Organisation:
    organisation = Organisation(name=name, slug=slug or slugify(name), is_accredited=is_accredited)
    organisation.full_clean()
    organisation.save()
    return organisation


def role_group(role: Role) -> Group:
    """The group of a role; recreated with its permissions if someone deleted it."""
    group = Group.objects.filter(name=str(role)).first()
    if group is None:
        sync_role_permissions(django_apps)
        group = Group.objects.get(name=str(role))
    return group


def _sync_organisation_groups(user: User) -> None:
    roles = set(user.memberships.values_list("role", flat=True))
    for role in (Role.CASEWORKER, Role.ORGANISATION_ADMIN):
        group = role_group(role)
        if role.value in roles:
            user.groups.add(group)
        else:
            user.groups.remove(group)


@transaction.atomic
def membership_create(*, user: User, organisation: Organisation, role: str) -> Membership:
    """Make `user` a caseworker or admin of `organisation` (staff, with the role's group)."""
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    _sync_organisation_groups(user)
    return membership


@transaction.atomic
def membership_delete(*, membership: Membership) -> None:
    user = membership.user
    membership.delete()
    _sync_organisation_groups(user)


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str) -> Membership:
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role", "updated_at"])
    _sync_organisation_groups(membership.user)
    return membership


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API key for `user`'s system. The key is returned once and never stored."""
    import secrets

    from portal.accounts.authentication import key_digest

    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_digest=key_digest(key))
    token.full_clean()
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    from django.utils import timezone

    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
