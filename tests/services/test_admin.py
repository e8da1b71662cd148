"""Organisation admins keep their own services current in the admin, and only theirs."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from portal.accounts import actions as account_actions
from portal.accounts.roles import Role, sync_role_permissions
from portal.audit.models import AuditEntry
from tests.factories.accounts import OrganisationFactory
from tests.factories.services import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():  # type: ignore[no-untyped-def]
    sync_role_permissions(apps)
    own = OrganisationFactory(name="Own association")
    user = account_actions.user_create(username="orgboss", password=None, notify=False)
    account_actions.membership_create(user=user, organisation=own, role=Role.ORGANISATION_ADMIN)
    client = Client()
    client.force_login(user)
    return (
        client,
        ServiceFactory(organisation=own, name_fr="Notre permanence"),
        ServiceFactory(name_fr="Service d'un autre"),
    )


def test_only_their_own_services_are_listed_and_opened(admin_client) -> None:  # type: ignore[no-untyped-def]
    client, mine, theirs = admin_client
    listing = client.get("/fr/admin/services/service/").content.decode()
    assert "Notre permanence" in listing and "Service d&#x27;un autre" not in listing
    assert client.get(f"/fr/admin/services/service/{mine.pk}/change/").status_code == 200
    assert client.get(f"/fr/admin/services/service/{theirs.pk}/change/").status_code in {302, 404}


def test_confirming_from_the_admin_is_dated_and_audited(admin_client) -> None:  # type: ignore[no-untyped-def]
    client, mine, theirs = admin_client
    response = client.post(
        "/fr/admin/services/service/",
        {"action": "confirm_information", "_selected_action": [str(mine.pk), str(theirs.pk)]},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.last_assured_date == timezone.localdate()
    assert theirs.last_assured_date is None  # not theirs to confirm
    assert AuditEntry.objects.filter(object_pk=str(mine.pk), detail="assured").exists()


def test_making_a_place_confidential_in_the_admin_hides_it_from_near_searches(admin_client) -> None:  # type: ignore[no-untyped-def]
    from services import search
    from services.models import Location, ServiceAtLocation
    from services.search import SearchParams, service_search

    client, mine, _theirs = admin_client
    place = Location.objects.create(
        location_type="physical",
        organisation=mine.organisation,
        name_fr="Refuge",
        latitude=45.19,
        longitude=5.72,
    )
    ServiceAtLocation.objects.create(service=mine, location=place)
    search.reindex([mine.pk])
    near = SearchParams(near=(45.19, 5.72), radius_km=1)
    assert service_search(near, language="fr").total == 1
    response = client.post(
        f"/fr/admin/services/location/{place.pk}/change/",
        {
            "location_type": "physical",
            "organisation": mine.organisation.pk,
            "name_fr": "Refuge",
            "latitude": "45.19",
            "longitude": "5.72",
            "is_confidential": "on",
            "addresses-TOTAL_FORMS": "0",
            "addresses-INITIAL_FORMS": "0",
            "accessibility-TOTAL_FORMS": "0",
            "accessibility-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert service_search(near, language="fr").total == 0
