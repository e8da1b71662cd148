"""Accounts, organisations and memberships: every write goes through here."""

from __future__ import annotations

import enum

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import ApiToken, Membership, Organisation, User
from portal.accounts.roles import Role, sync_role_permissions
from portal.audit.actions import audit_record
from portal.audit.models import AuditAction
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


# --- Second factor (TOTP) ----------------------------------------------------------------

BACKUP_CODE_COUNT = 10


class SecondFactorOutcome(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    THROTTLED = "throttled"  # too many wrong codes in a row: wait, then try again


def second_factor_enrolment(*, user: User) -> TOTPDevice:
    """The authenticator being set up: the same unconfirmed device until it is confirmed,
    so reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def _code(token: str) -> str:
    """What a person types, as the devices compare it: no spaces or dashes, lower case."""
    return "".join(token.split()).replace("-", "").lower()


def second_factor_confirm(*, request: HttpRequest, token: str) -> list[str] | None:
    """Confirm an enrolment with the first code the app shows. On success the device is
    the account's authenticator (replacing any older one), ten single-use backup codes
    replace any older ones and are returned (shown once, stored as Django-OTP tokens),
    and this session is verified. None when the code is wrong."""
    user = request.user
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(_code(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        StaticDevice.objects.filter(user=user).delete()
        backup = StaticDevice.objects.create(user=user, name="backup codes", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
        audit_record(actor=user, action=AuditAction.CHANGE, obj=user, detail="second factor set up")
    _verified(request, device)
    return codes


def _verified(request: HttpRequest, device: object) -> None:
    """The session now has both factors: a new session key for the raised privilege (a
    key seen before the code is typed is worth nothing after), then django-otp's mark."""
    request.session.cycle_key()
    otp_login(request, device)


def second_factor_verify(*, request: HttpRequest, token: str) -> SecondFactorOutcome:
    """Check a code from the authenticator app, or one backup code (used up), against the
    signed-in user's devices; on success the session is verified. Each device slows
    down wrong guesses (1 s, 2 s, 4 s, ... after successive failures)."""
    user = request.user
    throttled = False
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(_code(token)):
                _verified(request, device)
                if isinstance(device, StaticDevice):
                    audit_record(
                        actor=user, action=AuditAction.CHANGE, obj=user, detail="backup code used"
                    )
                return SecondFactorOutcome.VERIFIED
    return SecondFactorOutcome.THROTTLED if throttled else SecondFactorOutcome.WRONG


def second_factor_reset(*, user: User, by: User) -> None:
    """Remove a person's authenticator and backup codes (a lost phone). They set up a new
    one at their next sign-in; their open sessions end."""
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=by, action=AuditAction.CHANGE, obj=user, detail="second factor reset")
    # Sessions are signed blobs keyed by id: find the person's by decoding (staff only, few).
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
