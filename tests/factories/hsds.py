"""Factories for the HSDS side of the directory: places, phones, hours, languages, and a
service with every relation filled."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from services.models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from tests.factories.accounts import OrganisationFactory
from tests.factories.services import ServiceFactory, TaxonomyTermFactory


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    location_type = Location.LocationType.PHYSICAL
    organisation = factory.SubFactory(OrganisationFactory)
    name_fr = factory.Sequence(lambda number: f"Lieu {number}")
    name_en = factory.Sequence(lambda number: f"Place {number}")
    transportation_fr = "Tram A, arrêt Chavant"
    latitude = 45.1885
    longitude = 5.7245


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    location = factory.SubFactory(LocationFactory)
    address_1 = factory.Sequence(lambda number: f"{number} rue Très-Cloîtres")
    city = "Grenoble"
    state_province = "Isère"
    postal_code = "38000"
    country = "FR"
    address_type = Address.AddressType.PHYSICAL


class ServiceAtLocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAtLocation

    service = factory.SubFactory(ServiceFactory)
    location = factory.SubFactory(LocationFactory)


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    number = factory.Sequence(lambda number: f"+33 4 76 00 {number % 100:02d} 00")


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Weekdays nine to five."""

    class Meta:
        model = Schedule

    freq = Schedule.Frequency.WEEKLY
    byday = "MO,TU,WE,TH,FR"
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(17, 0)


def service_with_everything(
    *,
    organisation: object | None = None,
    need: TaxonomyTerm | None = None,
    confidential: bool = False,
    **fields: object,
) -> Service:
    """A service whose every HSDS relation has at least one record."""
    organisation = organisation or OrganisationFactory(
        description="Accueil des personnes exilées", email="contact@example.org"
    )
    values: dict[str, object] = {
        "organisation": organisation,
        "name_ar": "عيادة",
        "alternate_name": "Clinique",
        "description_fr": "Soins sans rendez-vous.",
        "url": "https://clinique.example.org/",
        "email": "accueil@example.org",
        "application_process_fr": "Venir le matin.",
        "fees_description_fr": "Gratuit.",
        "eligibility_description_fr": "Toute personne.",
        "interpretation_services": "Interprètes en arabe et en tigrinya",
        "wait_time": "1 heure",
        "accreditations": "ARS",
        "licenses": "Centre de santé",
        "minimum_age": 16,
        "maximum_age": 99,
        "alert_fr": "Fermé le 14 juillet.",
        "last_assured_date": datetime.date(2025, 1, 15),
        "no_documents_required": True,
        "free": True,
        "walk_in": True,
    }
    values.update(fields)
    service = ServiceFactory(**values)
    service.needs.add(need or TaxonomyTermFactory())
    location = LocationFactory(
        organisation=organisation,
        is_confidential=confidential,
        transportation_fr="Derrière la gare, porte bleue" if confidential else "Tram A",
    )
    AddressFactory(
        location=location,
        address_1="12 rue Secrète" if confidential else "5 place Saint-Bruno",
        postal_code="38100" if confidential else "38000",
    )
    Accessibility.objects.create(
        location=location, description_fr="Rampe d'accès", url="https://acces.example.org/"
    )
    Language.objects.create(location=location, code="ti", name="Tigrinya")
    PhoneFactory(location=location)
    ScheduleFactory(location=location)
    Contact.objects.create(location=location, title="Accueil")
    sal = ServiceAtLocationFactory(service=service, location=location, description="Le matin")
    PhoneFactory(service_at_location=sal, extension="12")
    ScheduleFactory(service_at_location=sal, byday="SA", opens_at=datetime.time(10, 0))
    Contact.objects.create(service_at_location=sal, name="Permanence")
    phone = PhoneFactory(service=service, organisation=organisation, extension="poste 3")
    Language.objects.create(phone=phone, code="ar", name="Arabic")
    ScheduleFactory(
        service=service, notes_fr="Sauf jours fériés", valid_from=datetime.date(2025, 1, 1)
    )
    Closure.objects.create(
        service=service,
        starts_on=datetime.date(2025, 12, 24),
        ends_on=datetime.date(2025, 12, 26),
        reason_fr="Noël",
    )
    Language.objects.create(service=service, code="fr", name="French")
    Language.objects.create(service=service, code="ar", name="Arabic", note="le mardi")
    RequiredDocument.objects.create(
        service=service, document_fr="Aucun", uri="https://d.example.org/"
    )
    CostOption.objects.create(
        service=service,
        option_fr="Consultation",
        currency="EUR",
        amount=Decimal("0.00"),
        valid_from=datetime.date(2025, 1, 1),
    )
    Contact.objects.create(
        service=service, organisation=organisation, name="Dr Martin", email="martin@example.org"
    )
    Contact.objects.create(organisation=organisation, department="Direction")
    PhoneFactory(organisation=organisation)
    Attribute.objects.create(
        link_id=service.pk,
        link_entity="service",
        link_type="audience",
        taxonomy_term=TaxonomyTermFactory(code=f"audience-{service.pk}"),
        value="adults",
    )
    return service
