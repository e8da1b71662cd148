"""The office (an organisation whose officers hold the role), a city office whose
service a report can be about, and a legal service to refer to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from discrimination import actions
from discrimination.models import Report
from portal.accounts import actions as account_actions
from portal.accounts.models import Organisation, User
from portal.accounts.roles import Role, sync_role_permissions
from services.models import Service
from tests.factories.hsds import LocationFactory, ServiceAtLocationFactory
from tests.factories.services import ServiceFactory, TaxonomyTermFactory

PASSWORD = "a-long-test-password-1"


@dataclass
class City:
    office: Organisation
    town_hall: Organisation
    lawyers: Organisation
    officer: User
    town_hall_admin: User
    town_hall_caseworker: User
    city_admin: User
    counter: Service
    legal_service: Service


def _user(username: str, language: str = "fr") -> User:
    return account_actions.user_create(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        preferred_language=language,
        notify=False,
    )


@pytest.fixture
def city(db: None) -> City:
    sync_role_permissions(apps)
    office = account_actions.organisation_create(name="Maison de l'égalité", slug="egalite")
    town_hall = account_actions.organisation_create(name="Mairie", slug="mairie")
    lawyers = account_actions.organisation_create(name="Point-justice", slug="justice")
    officer = _user("officer", "fr")
    officer.groups.add(Group.objects.get(name=Role.DISCRIMINATION_OFFICER))
    account_actions.membership_create(user=officer, organisation=office, role=Role.CASEWORKER)
    town_hall_admin = _user("mairie-admin", "fr")
    account_actions.membership_create(
        user=town_hall_admin, organisation=town_hall, role=Role.ORGANISATION_ADMIN
    )
    town_hall_caseworker = _user("mairie-agent", "fr")
    account_actions.membership_create(
        user=town_hall_caseworker, organisation=town_hall, role=Role.CASEWORKER
    )
    city_admin = _user("city-admin", "fr")
    city_admin.groups.add(Group.objects.get(name=Role.CITY_ADMIN))
    counter = ServiceFactory(
        organisation=town_hall,
        name_fr="Guichet des titres",
        name_en="Permits counter",
        name_fa="باجه مدارک",
    )
    place = LocationFactory(organisation=town_hall, latitude=45.2031, longitude=5.7219)
    ServiceAtLocationFactory(service=counter, location=place)  # in the north
    legal_service = ServiceFactory(organisation=lawyers, name_fr="Consultation d'avocat")
    legal_service.needs.add(TaxonomyTermFactory(code="legal_help", name_fr="Aide juridique"))
    return City(
        office=office,
        town_hall=town_hall,
        lawyers=lawyers,
        officer=User.objects.get(pk=officer.pk),
        town_hall_admin=User.objects.get(pk=town_hall_admin.pk),
        town_hall_caseworker=User.objects.get(pk=town_hall_caseworker.pk),
        city_admin=User.objects.get(pk=city_admin.pk),
        counter=counter,
        legal_service=legal_service,
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def submit(**overrides: object) -> tuple[Report, str]:
    values: dict[str, object] = {
        "category": "public_service",
        "ground": "origin",
        "incident_month": datetime.date(2026, 10, 1),
        "account": "",
        "language": "fr",
    }
    values.update(overrides)
    return actions.report_submit(**values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> None:
    """Rate-limit counters live in the real Redis; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
