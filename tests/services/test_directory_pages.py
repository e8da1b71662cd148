"""The service page gives what a person needs to go there; readers can say what is
wrong without leaving anything about themselves; old information is flagged."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portal.accounts import actions as account_actions
from portal.accounts.roles import Role
from portal.notifications.models import Notification
from services.models import Address, Location, OutdatedReport, Phone, ServiceAtLocation
from tests.factories.services import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service():  # type: ignore[no-untyped-def]
    service = ServiceFactory(
        name_fr="Permanence santé",
        name_ar="استشارة صحية",
        no_documents_required=True,
        last_assured_date=timezone.localdate(),
    )
    Phone.objects.create(service=service, number="+33 4 76 00 11 22")
    location = Location.objects.create(
        location_type="physical",
        latitude=45.19,
        longitude=5.72,
        transportation_fr="Tram A, arrêt Verdun",
    )
    Address.objects.create(
        location=location,
        address_1="12 rue des Lilas",
        city="Ville",
        state_province="Isère",
        postal_code="38000",
        country="FR",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def test_a_person_can_call_and_find_the_place(service) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(f"/ar/services/{service.pk}/").content.decode()
    assert 'href="tel:+33476001122"' in page
    assert "12 rue des Lilas" in page and "Tram A, arrêt Verdun" in page
    assert "استشارة صحية" in page
    assert 'dir="rtl"' in page


def test_a_confidential_address_is_never_shown(service) -> None:  # type: ignore[no-untyped-def]
    Location.objects.update(is_confidential=True)
    page = Client().get(f"/fr/services/{service.pk}/").content.decode()
    assert "12 rue des Lilas" not in page and "geo:" not in page
    assert 'href="tel:' in page  # they can still call


def test_old_information_is_flagged(service) -> None:  # type: ignore[no-untyped-def]
    url = f"/fr/services/{service.pk}/"
    assert 'role="note"' not in Client().get(url).content.decode()
    type(service).objects.filter(pk=service.pk).update(
        last_assured_date=timezone.localdate() - datetime.timedelta(days=400)
    )
    assert 'role="note"' in Client().get(url).content.decode()


def test_reporting_outdated_information_keeps_nothing_about_the_reader(service) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Planted-Agent")
    response = client.post(f"/fr/services/{service.pk}/report/", {"problem": "hours"})
    assert response.status_code == 302 and "reported=1" in response["Location"]
    client.post(f"/fr/services/{service.pk}/report/", {"problem": "hours"})  # same day: once
    report = OutdatedReport.objects.get()
    assert (report.problem, report.reported_on) == ("hours", timezone.localdate())
    stored = " ".join(str(value) for value in OutdatedReport.objects.values().get().values())
    assert "203.0.113" not in stored and "Planted" not in stored
    assert not response.cookies


def test_reports_are_rate_limited(service, settings) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    settings.OUTDATED_REPORT_RATE_PER_HOUR = 2
    client = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        client.post(f"/fr/services/{service.pk}/report/", {"problem": "phone"}).status_code
        for _index in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_organisation_admins_are_asked_to_confirm_old_information(service) -> None:  # type: ignore[no-untyped-def]
    from services.tasks import service_assurance_reminders_task

    admin = account_actions.user_create(
        username="boss",
        password=None,
        email="boss@example.org",
        preferred_language="es",
        notify=False,
    )
    account_actions.membership_create(
        user=admin, organisation=service.organisation, role=Role.ORGANISATION_ADMIN
    )
    assert service_assurance_reminders_task.run() == 0  # checked today
    type(service).objects.filter(pk=service.pk).update(last_assured_date=datetime.date(2025, 1, 1))
    service_assurance_reminders_task.run()
    service_assurance_reminders_task.run()  # idempotent within the month
    message = Notification.objects.get(message="service_assurance_due")
    assert (message.recipient, message.language) == ("boss@example.org", "es")
    assert message.context["url"].endswith(f"/es/services/{service.pk}/")


def test_confirming_clears_the_flag_and_is_audited(service) -> None:  # type: ignore[no-untyped-def]
    from portal.audit.models import AuditEntry
    from services import actions

    type(service).objects.filter(pk=service.pk).update(last_assured_date=None)
    admin = account_actions.user_create(username="boss", password=None, notify=False)
    actions.service_assure(service=service, user=admin)
    service.refresh_from_db()
    assert service.last_assured_date == timezone.localdate()
    assert AuditEntry.objects.filter(object_pk=str(service.pk), detail="assured").exists()
