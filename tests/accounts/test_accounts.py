"""Accounts, organisations, memberships and the roles of DESIGN.md."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from portal.accounts import actions
from portal.accounts.models import Membership, User
from portal.accounts.roles import ROLE_PERMISSIONS, Role
from portal.notifications.models import Notification
from tests.factories.accounts import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_its_permissions() -> None:
    for role in Role:
        group = Group.objects.get(name=role.value)
        granted = {
            f"{permission.content_type.app_label}.{permission.codename}"
            for permission in group.permissions.select_related("content_type")
        }
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_user_model_has_no_field_for_nationality_or_status() -> None:
    names = {field.name.lower() for field in User._meta.get_fields()}
    for forbidden in (
        "nationality",
        "citizenship",
        "legal_status",
        "status",
        "passport",
        "country_of_origin",
        "document_number",
    ):
        assert forbidden not in names


def test_passwords_are_hashed_with_argon2(settings: object) -> None:
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    ]
    user = actions.user_create(username="amina", password="a-long-test-password-1", notify=False)
    assert user.password.startswith("argon2$")
    assert user.check_password("a-long-test-password-1")


def test_new_account_with_email_is_told_in_its_language() -> None:
    user = actions.user_create(
        username="oleksandr",
        password="a-long-test-password-1",
        email="o@example.org",
        preferred_language="uk",
    )
    notification = Notification.objects.get()
    assert notification.idempotency_key == f"account_created:{user.pk}"
    assert notification.language == "uk"
    assert notification.recipient == "o@example.org"


def test_global_role_puts_user_in_group_and_makes_them_staff() -> None:
    user = actions.user_create(username="editor1", password=None, roles=[Role.CONTENT_EDITOR])
    assert user.is_staff
    assert user.has_perm("portal.change_homenotice")
    assert not user.has_perm("audit.view_auditentry")


def test_membership_gives_the_organisation_role_and_removing_it_takes_it_away() -> None:
    user = UserFactory()
    organisation = OrganisationFactory()
    membership = actions.membership_create(
        user=user, organisation=organisation, role=Role.ORGANISATION_ADMIN
    )
    user = User.objects.get(pk=user.pk)
    assert user.is_staff
    assert user.groups.filter(name="organisation_admin").exists()
    assert user.has_perm("accounts.add_membership")
    actions.membership_delete(membership=membership)
    user = User.objects.get(pk=user.pk)
    assert not user.groups.filter(name="organisation_admin").exists()


def test_second_membership_in_one_organisation_is_refused_and_nothing_changes() -> None:
    user = UserFactory()
    organisation = OrganisationFactory()
    actions.membership_create(user=user, organisation=organisation, role=Role.CASEWORKER)
    with pytest.raises(ValidationError):
        actions.membership_create(
            user=user, organisation=organisation, role=Role.ORGANISATION_ADMIN
        )
    assert list(Membership.objects.values_list("role", flat=True)) == ["caseworker"]
    assert not user.groups.filter(name="organisation_admin").exists()


def test_unknown_organisation_role_is_refused() -> None:
    with pytest.raises(ValidationError):
        actions.membership_create(
            user=UserFactory(), organisation=OrganisationFactory(), role=Role.CITY_ADMIN
        )
    assert not Membership.objects.exists()


def test_admin_membership_inline_goes_through_the_actions(admin_client: object) -> None:
    organisation = OrganisationFactory(name="Centre", slug="centre")
    caseworker = UserFactory()
    response = admin_client.post(  # type: ignore[attr-defined]
        f"/en/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "name": "Centre",
            "slug": "centre",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(caseworker.pk),
            "memberships-0-role": "caseworker",
            "memberships-0-organisation": str(organisation.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert caseworker.groups.filter(name="caseworker").exists()


def test_a_deleted_role_group_comes_back_with_its_permissions() -> None:
    Group.objects.filter(name="caseworker").delete()
    membership = actions.membership_create(
        user=UserFactory(), organisation=OrganisationFactory(), role=Role.CASEWORKER
    )
    assert membership.user.groups.filter(name="caseworker").exists()
    assert Group.objects.filter(name="city_admin").get().permissions.exists()


def test_user_has_role_counts_city_admins_and_nobody_else() -> None:
    from portal.accounts.selectors import user_has_role

    officer = actions.user_create(username="o1", password=None, roles=[Role.PB_OFFICER])
    city = actions.user_create(username="c1", password=None, roles=[Role.CITY_ADMIN])
    editor = actions.user_create(username="e1", password=None, roles=[Role.CONTENT_EDITOR])
    assert user_has_role(user=officer, role=Role.PB_OFFICER)
    assert user_has_role(user=city, role=Role.PB_OFFICER)
    assert not user_has_role(user=editor, role=Role.PB_OFFICER)
    assert not user_has_role(user=officer, role=Role.CITY_ADMIN)


def test_an_organisation_admin_cannot_reach_or_join_another_organisation(client) -> None:  # type: ignore[no-untyped-def]
    """Adding themselves to another organisation would open its referrals."""
    from django.apps import apps

    from portal.accounts.roles import sync_role_permissions

    sync_role_permissions(apps)
    own = OrganisationFactory(name="Own", slug="own")
    other = OrganisationFactory(name="Other", slug="other", is_accredited=True)
    admin_user = actions.user_create(username="own-admin", password=None)
    actions.membership_create(user=admin_user, organisation=own, role=Role.ORGANISATION_ADMIN)
    client.force_login(admin_user)
    assert client.get(f"/en/admin/accounts/organisation/{own.pk}/change/").status_code == 200
    listing = client.get("/en/admin/accounts/organisation/").content.decode()
    assert "Own" in listing and "Other" not in listing
    reached = client.get(f"/en/admin/accounts/organisation/{other.pk}/change/")
    assert reached.status_code == 302  # "does not exist" for them: back to the list
    joined = client.post(
        f"/en/admin/accounts/organisation/{other.pk}/change/",
        {
            "name": "Other",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-user": str(admin_user.pk),
            "memberships-0-role": "caseworker",
            "memberships-0-organisation": str(other.pk),
        },
    )
    assert joined.status_code == 302
    assert not Membership.objects.filter(user=admin_user, organisation=other).exists()
    # Nor accredit their own organisation, nor create one.
    client.post(
        f"/en/admin/accounts/organisation/{own.pk}/change/",
        {
            "name": "Own",
            "is_accredited": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    own.refresh_from_db()
    assert not own.is_accredited
    assert client.get("/en/admin/accounts/organisation/add/").status_code == 403


def test_a_city_admin_gives_roles_audited_but_cannot_make_superusers(client) -> None:  # type: ignore[no-untyped-def]
    from django.apps import apps

    from portal.accounts.roles import sync_role_permissions
    from portal.audit.models import AuditEntry

    sync_role_permissions(apps)
    city = actions.user_create(username="city", password=None, roles=[Role.CITY_ADMIN])
    city.is_staff = True
    city.save()
    target = actions.user_create(username="someone", password=None)
    officer_group = Group.objects.get(name="discrimination_officer")
    client.force_login(city)
    response = client.post(
        f"/en/admin/accounts/user/{target.pk}/change/",
        {
            "username": "someone",
            "is_active": "on",
            "is_superuser": "on",  # ignored: read-only for a city admin
            "groups": [str(officer_group.pk)],
            "preferred_language": "fr",
            "date_joined_0": "2026-11-27",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    target.refresh_from_db()
    assert not target.is_superuser
    assert target.groups.filter(name="discrimination_officer").exists()
    entry = AuditEntry.objects.get(object_pk=str(target.pk), action="change")
    assert entry.actor == city and entry.detail == "roles +discrimination_officer -"
