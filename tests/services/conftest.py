"""Two organisations A and B, each with a caseworker and an admin; B runs a service."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.apps import apps

from portal.accounts import actions as account_actions
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role, sync_role_permissions
from services import actions
from services.models import Referral, Service, TaxonomyTerm
from tests.factories.services import ServiceFactory, TaxonomyTermFactory


@dataclass
class Network:
    a: Organisation
    b: Organisation
    caseworker_a: User
    caseworker_b: User
    admin_a: User
    admin_b: User
    resident: User
    city_admin: User
    service_b: Service
    service_a: Service
    need: TaxonomyTerm


def _member(username: str, organisation: Organisation, role: Role, language: str) -> User:
    user = account_actions.user_create(
        username=username,
        password="a-long-test-password-1",
        email=f"{username}@example.org",
        preferred_language=language,
        notify=False,
    )
    account_actions.membership_create(user=user, organisation=organisation, role=role)
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def network(db: None) -> Network:
    sync_role_permissions(apps)
    a = account_actions.organisation_create(name="Accueil A", slug="org-a")
    b = account_actions.organisation_create(name="Clinique B", slug="org-b")
    need = TaxonomyTermFactory(code="health")
    service_b = ServiceFactory(organisation=b, name_ar="عيادة")
    service_b.needs.add(need)
    return Network(
        a=a,
        b=b,
        caseworker_a=_member("cw-a", a, Role.CASEWORKER, "fr"),
        caseworker_b=_member("cw-b", b, Role.CASEWORKER, "ar"),
        admin_a=_member("admin-a", a, Role.ORGANISATION_ADMIN, "es"),
        admin_b=_member("admin-b", b, Role.ORGANISATION_ADMIN, "fr"),
        resident=account_actions.user_create(
            username="resident", password="a-long-test-password-1", notify=False
        ),
        city_admin=account_actions.user_create(
            username="city",
            password="a-long-test-password-1",
            roles=[Role.CITY_ADMIN],
            notify=False,
        ),
        service_b=service_b,
        service_a=ServiceFactory(organisation=a),
        need=need,
    )


def refer(network: Network, *, send: bool = True, **overrides: object) -> Referral:
    values: dict[str, object] = {
        "caseworker": network.caseworker_a,
        "service": network.service_b,
        "need": network.need,
        "consent": Referral.Consent.GIVEN,
        "contact_channel": Referral.Contact.CASEWORKER_ONLY,
        "contact_language": "ti",
        "send": send,
    }
    values.update(overrides)
    return actions.referral_create(**values)  # type: ignore[arg-type]
