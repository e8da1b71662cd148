"""Demo directory core and referrals for `seed_demo` (made up; no real person).

Service names and descriptions are given in French, English, Spanish and Arabic
(other texts in French and English), so Persian, Ukrainian, Tigrinya and Pashto readers
see the fallback notice on a real page. Need names come from the UI
catalogues, so they exist in every enabled language.
"""

from __future__ import annotations

import datetime
import json
import random
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from portal.accounts.models import Organisation, User
from portal.i18n.languages import set_translations
from services import actions, search
from services.models import (
    Accessibility,
    Address,
    Language,
    Location,
    Phone,
    Referral,
    ReferralEvent,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

CITY = "Ville-sur-Isère"
TEXTS = (
    "name",
    "description",
    "application_process",
    "eligibility_description",
    "fees_description",
)

NEEDS = [
    ("health", "Health care"),
    ("schooling", "School for children"),
    ("housing", "A place to sleep"),
    ("domiciliation", "A postal address"),
    ("legal_help", "Legal help"),
    ("work", "Work"),
    ("language_classes", "Language classes"),
    ("social_support", "Social support"),
    ("participation", "Taking part in city life"),
    ("discrimination", "Discrimination"),
    ("registration", "Proof of residence"),
]

DIRECTORY = Path(__file__).with_name("demo_directory.json")

OUTCOMES = [
    (Referral.Status.COMPLETED, 6),
    (Referral.Status.ACCEPTED, 2),
    (Referral.Status.DECLINED, 2),
    (Referral.Status.NO_SHOW, 1),
    (Referral.Status.WITHDRAWN, 1),
    (Referral.Status.SENT, 1),
]


def _needs() -> dict[str, TaxonomyTerm]:
    taxonomy, _created = Taxonomy.objects.get_or_create(
        name="Needs", defaults={"description": "The portal's needs vocabulary", "version": "1"}
    )
    terms = {}
    for code, english in NEEDS:
        term = TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=code).first()
        if term is None:
            term = TaxonomyTerm(taxonomy=taxonomy, code=code)
            names = {}
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    names[language] = gettext(english)
            set_translations(term, "name", names)
            term.full_clean()
            term.save()
        terms[code] = term
    return terms


def _organisations(data: list[dict[str, str]]) -> None:
    for item in data:
        if not Organisation.objects.filter(slug=item["slug"]).exists():
            organisation = Organisation(
                slug=item["slug"],
                name=item["name"],
                description=item.get("description", ""),
                email=item.get("email", ""),
                website=item.get("website", ""),
            )
            organisation.full_clean()
            organisation.save()


def _service(data: dict[str, Any], terms: dict[str, TaxonomyTerm]) -> Service:
    organisation = Organisation.objects.get(slug=data["organisation"])
    service = Service(
        organisation=organisation,
        email=data.get("email", ""),
        url=data.get("url", ""),
        minimum_age=data.get("minimum_age"),
        maximum_age=data.get("maximum_age"),
        last_assured_date=datetime.date(2026, 10, 1),
        **{flag: bool(data.get(flag)) for flag in Service.PROFILE_FIELDS},
    )
    for field in TEXTS:
        if data.get(field):
            set_translations(service, field, data[field])
    service.full_clean()
    service.save()
    service.needs.set([terms[code] for code in data.get("needs", []) if code in terms])
    place = data.get("location")
    # Several services share a place: one location, several services at it.
    shared = (
        Location.objects.filter(addresses__address_1=place["address_1"]).first() if place else None
    )
    if shared is not None:
        ServiceAtLocation.objects.create(service=service, location=shared)
    elif place:
        location = Location(
            location_type=Location.LocationType.PHYSICAL,
            organisation=organisation,
            latitude=place.get("latitude"),
            longitude=place.get("longitude"),
            is_confidential=bool(place.get("is_confidential")),
        )
        for field in ("name", "transportation"):
            if place.get(field):
                set_translations(location, field, place[field])
        location.full_clean()
        location.save()
        Address.objects.create(
            location=location,
            address_1=place["address_1"],
            city=CITY,
            state_province="Isère",
            postal_code=place.get("postal_code", "38000"),
            country="FR",
            address_type=Address.AddressType.PHYSICAL,
        )
        if place.get("accessibility"):
            accessibility = Accessibility(location=location)
            set_translations(accessibility, "description", place["accessibility"])
            accessibility.save()
        ServiceAtLocation.objects.create(service=service, location=location)
    if data.get("phone"):
        Phone.objects.create(service=service, number=data["phone"], type="voice")
    for code in data.get("languages", []):
        Language.objects.create(service=service, code=code)
    for rule in data.get("hours", []):
        Schedule.objects.create(
            service=service,
            freq=Schedule.Frequency.WEEKLY,
            byday=rule["byday"],
            opens_at=datetime.time.fromisoformat(rule["opens_at"]),
            closes_at=datetime.time.fromisoformat(rule["closes_at"]),
        )
    for document in data.get("documents", []):
        required = RequiredDocument(service=service)
        set_translations(required, "document", document)
        required.save()
    return service


def _services(terms: dict[str, TaxonomyTerm]) -> list[Service]:
    """The demo directory (services/demo_directory.json): made up, in a made-up city."""
    content = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    _organisations(content["organisations"])
    services = []
    for data in content["services"]:
        service = Service.objects.filter(
            organisation__slug=data["organisation"], name_fr=data["name"]["fr"]
        ).first()
        services.append(service or _service(data, terms))
    return services


def _referrals(services: list[Service], terms: dict[str, TaxonomyTerm]) -> int:
    """DEMO_REFERRALS (160) referrals over four months from the welcome desk, enough for
    the statistics page to show figures above the suppression threshold. Each goes
    through the real actions (audit, events, notifications): the test settings ask for
    fewer, which is most of the time a test spends loading the demo."""
    caseworker = User.objects.filter(username="caseworker").first()
    receiver = User.objects.filter(username="orgadmin").first()
    if caseworker is None or receiver is None or Referral.objects.exists():
        return 0
    health = next(service for service in services if service.organisation.slug == "health-centre")
    health_staff = User.objects.filter(memberships__organisation=health.organisation).first()
    # Referrals go to the organisations whose staff have demo accounts.
    targets = [
        service
        for service in services
        if service.organisation.slug in {"solidarity-association", "health-centre"}
    ]
    chooser = random.Random(2026)  # noqa: S311 - demo figures, not security
    weighted = [status for status, weight in OUTCOMES for _index in range(weight)]
    now = timezone.now()
    created = 0
    for index in range(settings.DEMO_REFERRALS):
        service = targets[index % len(targets)] if index % 5 else health
        if service.organisation.slug == "health-centre" and health_staff is None:
            service = targets[1]
        acting = receiver if service.organisation.slug != "health-centre" else health_staff
        referral = actions.referral_create(
            caseworker=caseworker,
            service=service,
            need=service.needs.first(),
            consent=Referral.Consent.GIVEN,
            contact_channel=Referral.Contact.CASEWORKER_ONLY,
            contact_language=chooser.choice(["fr", "ar", "ti", "ps", "uk", "es"]),
            send=True,
        )
        outcome = chooser.choice(weighted)
        path = {
            Referral.Status.SENT: [],
            Referral.Status.ACCEPTED: ["accept"],
            Referral.Status.DECLINED: ["decline"],
            Referral.Status.COMPLETED: ["accept", "complete"],
            Referral.Status.NO_SHOW: ["accept", "no_show"],
            Referral.Status.WITHDRAWN: ["withdraw"],
        }[outcome]
        for move in path:
            actions.referral_transition(
                referral_id=referral.pk,
                user=caseworker if move == "withdraw" else acting,  # type: ignore[arg-type]
                move=move,
                decline_reason="full" if move == "decline" else "",
            )
        moment = now - datetime.timedelta(days=chooser.randint(1, 120))
        Referral.objects.filter(pk=referral.pk).update(
            created_at=moment,
            sent_at=moment,
            answered_at=moment + datetime.timedelta(days=2) if path else None,
        )
        ReferralEvent.objects.filter(referral=referral).update(occurred_at=moment)
        created += 1
    return created


@transaction.atomic
def seed() -> dict[str, int]:
    terms = _needs()
    before = Service.objects.count()
    services = _services(terms)
    added = Service.objects.count() - before
    if added:
        search.reindex()
        search.vocabulary_rebuild()
    referrals = _referrals(services, terms)
    return {"services": added, "referrals": referrals}
