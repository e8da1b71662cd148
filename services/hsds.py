"""The directory as Open Referral HSDS 3.0 records.

Plain functions from models to the JSON-ready dicts that the HSDS 3.0 schemas describe
(`schema/compiled/*.json` of openreferral/specification 3.0). The API
(services/hsds_api.py) and the export use them; the import reads the same conventions
back (the constants below).

Conventions of the portal's HSDS profile:
- Texts are given in one requested language, falling back along the configured chain.
- A confidential location (a shelter) is published without addresses, coordinates or
  directions.
- A service's needs are attributes linking to the terms of the "Needs" taxonomy.
- The six profile booleans of Service are attributes linking to the terms of the
  taxonomy named PROFILE_TAXONOMY_NAME, whose codes are the field names, with value
  "true"; a false boolean has no attribute.
- A closure (holiday) is a schedule with valid_from/valid_to and no opening times, the
  description "closed" (or "closed: <reason>"), and an attribute with the profile term
  CLOSURE_CODE.

Every relation is read with `.all()`, so a caller that prefetches (see
`services_queryset_for_hsds`) pays a constant number of queries for a page.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import translation

from portal.accounts.models import Organisation
from portal.i18n.languages import text_in_language
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
    Taxonomy,
    TaxonomyTerm,
)

HSDS_VERSION = "3.0"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
SCHEMA_BASE_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

NEEDS_TAXONOMY_NAME = "Needs"
PROFILE_TAXONOMY_NAME = "Right to the City profile"
# Profile term codes are the names of Service's boolean fields.
PROFILE_CODES: tuple[str, ...] = Service.PROFILE_FIELDS
CLOSURE_CODE = "closure"
ALL_PROFILE_CODES: tuple[str, ...] = (*PROFILE_CODES, CLOSURE_CODE)
PROFILE_VALUE = "true"
CLOSED_DESCRIPTION = "closed"

# Ids of the records the portal derives (attributes of needs, of the profile and of
# closures) are UUIDv5 in this namespace, so the same record keeps the same id.
ID_NAMESPACE = uuid.UUID("61ab784b-3e4f-4a65-86eb-986fc38f5b56")

Json = dict[str, Any]
AttributeIndex = Mapping[uuid.UUID, list[Attribute]]
ProfileTerms = Mapping[str, TaxonomyTerm]


# --- Profile terms --------------------------------------------------------------------------


def _profile_term_names(code: str) -> dict[str, str]:
    """The term's name in every enabled language, from the labels the catalogue has."""
    label = (
        Closure._meta.verbose_name
        if code == CLOSURE_CODE
        else Service._meta.get_field(code).verbose_name
    )
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            names[f"name_{language.replace('-', '_')}"] = str(label)
    return names


def profile_terms() -> dict[str, TaxonomyTerm]:
    """The terms of the profile taxonomy by code, created the first time they are needed.

    One query when they exist. Creation holds a transaction-level advisory lock, so two
    first requests at once make one taxonomy, not two. The names follow the message
    catalogue: a label translated after the terms were made is updated here.
    """
    terms = _existing_profile_terms()
    if len(terms) == len(ALL_PROFILE_CODES):
        _update_names(terms.values())
        return terms
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PROFILE_LOCK_KEY])
        taxonomy = (
            Taxonomy.objects.filter(name=PROFILE_TAXONOMY_NAME).order_by("created_at").first()
        )
        if taxonomy is None:
            taxonomy = Taxonomy.objects.create(
                name=PROFILE_TAXONOMY_NAME,
                description=(
                    "What a newcomer needs to know before going to a service "
                    "(Right to the City portal's HSDS profile)."
                ),
                version="1",
            )
        for code in ALL_PROFILE_CODES:
            TaxonomyTerm.objects.get_or_create(
                taxonomy=taxonomy, code=code, defaults=_profile_term_names(code)
            )
    return _existing_profile_terms()


_PROFILE_LOCK_KEY = 0x48534453  # "HSDS"


def _update_names(terms: Iterable[TaxonomyTerm]) -> None:
    stale = []
    for term in terms:
        names = _profile_term_names(term.code)
        if any(getattr(term, field) != name for field, name in names.items()):
            for field, name in names.items():
                setattr(term, field, name)
            stale.append(term)
    if stale:
        TaxonomyTerm.objects.bulk_update(stale, list(_profile_term_names(CLOSURE_CODE)))


def _existing_profile_terms() -> dict[str, TaxonomyTerm]:
    taxonomy = Taxonomy.objects.filter(name=PROFILE_TAXONOMY_NAME).order_by("created_at")[:1]
    terms = TaxonomyTerm.objects.filter(
        taxonomy__in=taxonomy, code__in=ALL_PROFILE_CODES
    ).select_related("taxonomy")
    return {term.code: term for term in terms}


# --- Stored attributes ----------------------------------------------------------------------


def stored_attributes(link_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Attribute]]:
    """The Attribute rows (what an import kept) of the given records, by record id."""
    index: dict[uuid.UUID, list[Attribute]] = defaultdict(list)
    ids = {link_id for link_id in link_ids if link_id is not None}
    if not ids:
        return {}
    attributes = (
        Attribute.objects.filter(link_id__in=ids)
        .select_related("taxonomy_term__taxonomy")
        .order_by("link_entity", "pk")
    )
    for attribute in attributes:
        index[attribute.link_id].append(attribute)
    return dict(index)


def link_ids_of_services(
    services: Iterable[Service], *, with_service_at_locations: bool = True
) -> set[uuid.UUID]:
    """Every record id a nested service record can carry stored attributes for."""
    ids: set[uuid.UUID] = set()
    for service in services:
        ids.add(service.pk)
        if with_service_at_locations:
            for sal in service.service_at_locations.all():
                ids.update((sal.pk, sal.location_id))
    return ids


def link_ids_of_organisations(
    organisations: Iterable[Organisation], *, full_service: bool = False
) -> set[uuid.UUID]:
    """Every record id a nested organization record can carry stored attributes for."""
    ids: set[uuid.UUID] = set()
    for organisation in organisations:
        ids.add(organisation.hsds_id)
        ids.update(location.pk for location in organisation.locations.all())
        if full_service:
            ids |= link_ids_of_services(organisation.services.all())
    return ids


# --- Small helpers --------------------------------------------------------------------------


def _text(obj: object, field: str, language: str) -> str:
    return text_in_language(obj, field, language).text


def _compact(data: Json, *, keep: Iterable[str] = ()) -> Json:
    """Drop absent values (None, ""), except the keys a schema requires."""
    kept = set(keep)
    return {key: value for key, value in data.items() if key in kept or value not in (None, "")}


def _id(value: object) -> str | None:
    return None if value is None else str(value)


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _time(value: datetime.time | None) -> str | None:
    return None if value is None else value.isoformat(timespec="minutes")


def _number(value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if isinstance(value, int) else float(value)


def _extension(value: str) -> int | None:
    """HSDS has phone extensions as numbers: a non-numeric one is left out."""
    digits = value.strip()
    return int(digits) if digits.isdigit() else None


def _derived_id(*parts: object) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(part) for part in parts)))


# --- Taxonomies -----------------------------------------------------------------------------


def taxonomy_to_hsds(t: Taxonomy) -> Json:
    return _compact(
        {
            "id": str(t.pk),
            "name": t.name,
            "description": t.description,
            "uri": t.uri,
            "version": t.version,
        },
        keep=("description",),
    )


def taxonomy_term_to_hsds(term: TaxonomyTerm, language: str) -> Json:
    """A term in the requested language; `language` says which language the name is in."""
    name = text_in_language(term, "name", language)
    return _compact(
        {
            "id": str(term.pk),
            "code": term.code,
            "name": name.text,
            "description": _text(term, "description", language),
            "parent_id": _id(term.parent_id),
            "taxonomy": term.taxonomy.name,
            "taxonomy_detail": taxonomy_to_hsds(term.taxonomy),
            "language": name.language,
            "taxonomy_id": str(term.taxonomy_id),
            "term_uri": term.term_uri,
        },
        keep=("name", "description"),
    )


def _attribute(
    *,
    attribute_id: str,
    link_id: object,
    link_entity: str,
    term: TaxonomyTerm,
    language: str,
    value: str = "",
    link_type: str = "",
) -> Json:
    return _compact(
        {
            "id": attribute_id,
            "link_id": str(link_id),
            "taxonomy_term_id": str(term.pk),
            "link_type": link_type,
            "link_entity": link_entity,
            "value": value,
            "taxonomy_term": taxonomy_term_to_hsds(term, language),
        }
    )


def _stored_attributes_to_hsds(
    link_id: uuid.UUID,
    language: str,
    attributes: AttributeIndex | None,
    *,
    skip_terms: set[uuid.UUID] | frozenset[uuid.UUID] = frozenset(),
) -> list[Json]:
    rows = attributes.get(link_id, []) if attributes is not None else None
    if rows is None:
        rows = stored_attributes([link_id]).get(link_id, [])
    return [
        _attribute(
            attribute_id=str(row.pk),
            link_id=row.link_id,
            link_entity=row.link_entity,
            link_type=row.link_type,
            term=row.taxonomy_term,
            language=language,
            value=row.value,
        )
        for row in rows
        if row.taxonomy_term_id not in skip_terms
    ]


# --- Organizations --------------------------------------------------------------------------


def organization_to_hsds(
    org: Organisation,
    *,
    nested: bool = False,
    language: str | None = None,
    full_service: bool = False,
    profile: ProfileTerms | None = None,
    attributes: AttributeIndex | None = None,
) -> Json:
    """An organization; `nested` adds its contacts, phones, locations and services (each
    service with its one-to-one fields only unless `full_service`)."""
    record = _compact(
        {
            "id": str(org.hsds_id),
            "name": org.name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
        },
        keep=("description",),
    )
    if not nested:
        return record
    language = language or settings.LANGUAGE_CODE
    if full_service and profile is None:
        profile = profile_terms()
    record.update(
        {
            "funding": [],
            "contacts": [_contact_to_hsds(contact) for contact in org.contacts.all()],
            "phones": [_phone_to_hsds(phone, language) for phone in org.phones.all()],
            "locations": [
                location_to_hsds(location, language, attributes=attributes)
                for location in org.locations.all()
            ],
            "programs": [],
            "organization_identifiers": [],
            "attributes": _stored_attributes_to_hsds(org.hsds_id, language, attributes),
            "services": [
                service_to_hsds(
                    service,
                    language,
                    nested=full_service,
                    with_organization=False,
                    profile=profile,
                    attributes=attributes,
                )
                for service in org.services.all()
            ],
        }
    )
    return record


# --- Locations ------------------------------------------------------------------------------


def _language_to_hsds(language_row: Any) -> Json:
    return _compact(
        {
            "id": str(language_row.pk),
            "service_id": _id(language_row.service_id),
            "location_id": _id(language_row.location_id),
            "phone_id": _id(language_row.phone_id),
            "name": language_row.name,
            "code": language_row.code,
            "note": language_row.note,
        }
    )


def _phone_to_hsds(phone: Phone, language: str) -> Json:
    return _compact(
        {
            "id": str(phone.pk),
            "location_id": _id(phone.location_id),
            "service_id": _id(phone.service_id),
            "organization_id": _id(phone.organisation.hsds_id) if phone.organisation_id else None,
            "service_at_location_id": _id(phone.service_at_location_id),
            "number": phone.number,
            "extension": _extension(phone.extension),
            "type": phone.type,
            "description": phone.description,
            "languages": [_language_to_hsds(row) for row in phone.languages.all()],
        },
        keep=("number",),
    )


def _contact_to_hsds(contact: Contact) -> Json:
    return _compact(
        {
            "id": str(contact.pk),
            "organization_id": (
                _id(contact.organisation.hsds_id) if contact.organisation_id else None
            ),
            "service_id": _id(contact.service_id),
            "service_at_location_id": _id(contact.service_at_location_id),
            "location_id": _id(contact.location_id),
            "name": contact.name,
            "title": contact.title,
            "department": contact.department,
            "email": contact.email,
            "phones": [],
        }
    )


def _schedule_to_hsds(schedule: Schedule, language: str) -> Json:
    return _compact(
        {
            "id": str(schedule.pk),
            "service_id": _id(schedule.service_id),
            "location_id": _id(schedule.location_id),
            "service_at_location_id": _id(schedule.service_at_location_id),
            "valid_from": _date(schedule.valid_from),
            "valid_to": _date(schedule.valid_to),
            "dtstart": _date(schedule.dtstart),
            "timezone": schedule.timezone,
            "until": _date(schedule.until),
            "count": schedule.count,
            "wkst": schedule.wkst,
            "freq": schedule.freq,
            "interval": schedule.interval,
            "byday": schedule.byday,
            "byweekno": schedule.byweekno,
            "bymonthday": schedule.bymonthday,
            "byyearday": schedule.byyearday,
            "description": _text(schedule, "description", language),
            "opens_at": _time(schedule.opens_at),
            "closes_at": _time(schedule.closes_at),
            "schedule_link": schedule.schedule_link,
            "attending_type": schedule.attending_type,
            "notes": _text(schedule, "notes", language),
        }
    )


def closure_to_hsds(closure: Closure, language: str, profile: ProfileTerms) -> Json:
    """A closure as a schedule: closed from valid_from to valid_to, no opening times."""
    reason = _text(closure, "reason", language)
    return {
        "id": str(closure.pk),
        "service_id": str(closure.service_id),
        "valid_from": closure.starts_on.isoformat(),
        "valid_to": closure.ends_on.isoformat(),
        "description": f"{CLOSED_DESCRIPTION}: {reason}" if reason else CLOSED_DESCRIPTION,
        "attributes": [
            _attribute(
                attribute_id=_derived_id(CLOSURE_CODE, closure.pk),
                link_id=closure.pk,
                link_entity="schedule",
                term=profile[CLOSURE_CODE],
                language=language,
                value=PROFILE_VALUE,
            )
        ],
    }


def location_to_hsds(
    location: Location,
    language: str,
    *,
    nested: bool = True,
    attributes: AttributeIndex | None = None,
) -> Json:
    """A location; a confidential one without addresses, coordinates or directions."""
    confidential = location.is_confidential
    record = _compact(
        {
            "id": str(location.pk),
            "location_type": location.location_type,
            "url": location.url,
            "organization_id": (
                _id(location.organisation.hsds_id) if location.organisation_id else None
            ),
            "name": _text(location, "name", language),
            "alternate_name": location.alternate_name,
            "description": _text(location, "description", language),
            "transportation": None if confidential else _text(location, "transportation", language),
            "latitude": None if confidential else location.latitude,
            "longitude": None if confidential else location.longitude,
            "external_identifier": location.external_identifier,
            "external_identifier_type": location.external_identifier_type,
        },
        keep=("location_type",),
    )
    if not nested:
        return record
    record.update(
        {
            "languages": [_language_to_hsds(row) for row in location.languages.all()],
            "addresses": (
                [] if confidential else [_address_to_hsds(a) for a in location.addresses.all()]
            ),
            "contacts": [_contact_to_hsds(contact) for contact in location.contacts.all()],
            "accessibility": [
                _compact(
                    {
                        "id": str(row.pk),
                        "location_id": str(row.location_id),
                        "description": _text(row, "description", language),
                        "details": row.details,
                        "url": row.url,
                    }
                )
                for row in location.accessibility.all()
            ],
            "phones": [_phone_to_hsds(phone, language) for phone in location.phones.all()],
            "schedules": [_schedule_to_hsds(row, language) for row in location.schedules.all()],
            "attributes": _stored_attributes_to_hsds(location.pk, language, attributes),
        }
    )
    return record


def _address_to_hsds(address: Any) -> Json:
    return _compact(
        {
            "id": str(address.pk),
            "location_id": str(address.location_id),
            "attention": address.attention,
            "address_1": address.address_1,
            "address_2": address.address_2,
            "city": address.city,
            "region": address.region,
            "state_province": address.state_province,
            "postal_code": address.postal_code,
            "country": address.country,
            "address_type": address.address_type,
        },
        keep=("address_1", "city", "state_province", "postal_code", "country", "address_type"),
    )


# --- Services at locations ------------------------------------------------------------------


def service_at_location_to_hsds(
    sal: ServiceAtLocation,
    language: str,
    *,
    nested: bool = True,
    with_service: bool = True,
    profile: ProfileTerms | None = None,
    attributes: AttributeIndex | None = None,
) -> Json:
    """A service at a location with its location (and, `with_service`, its service)."""
    record = _compact(
        {
            "id": str(sal.pk),
            "service_id": str(sal.service_id),
            "location_id": str(sal.location_id),
            "description": sal.description,
        }
    )
    if nested:
        record.update(
            {
                "contacts": [_contact_to_hsds(contact) for contact in sal.contacts.all()],
                "phones": [_phone_to_hsds(phone, language) for phone in sal.phones.all()],
                "schedules": [_schedule_to_hsds(row, language) for row in sal.schedules.all()],
                "attributes": _stored_attributes_to_hsds(sal.pk, language, attributes),
            }
        )
    record["location"] = location_to_hsds(
        sal.location, language, nested=nested, attributes=attributes
    )
    if with_service:
        record["service"] = service_to_hsds(
            sal.service,
            language,
            nested=nested,
            with_service_at_locations=False,
            profile=profile,
            attributes=attributes,
        )
    return record


# --- Services -------------------------------------------------------------------------------


def service_to_hsds(
    service: Service,
    language: str,
    *,
    nested: bool = True,
    with_organization: bool = True,
    with_service_at_locations: bool = True,
    profile: ProfileTerms | None = None,
    attributes: AttributeIndex | None = None,
) -> Json:
    """A service in `language`: its one-to-one fields and organization, and when `nested`
    every related record (schema/compiled/service.json).

    Pass `profile` (profile_terms()) and `attributes` (stored_attributes(...)) when
    serialising many services, so that they are read once rather than per service.
    """
    record = _compact(
        {
            "id": str(service.pk),
            "organization_id": str(service.organisation.hsds_id),
            "name": _text(service, "name", language),
            "alternate_name": service.alternate_name,
            "description": _text(service, "description", language),
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "interpretation_services": service.interpretation_services,
            "application_process": _text(service, "application_process", language),
            "fees_description": _text(service, "fees_description", language),
            "wait_time": service.wait_time,
            "accreditations": service.accreditations,
            "eligibility_description": _text(service, "eligibility_description", language),
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": _date(service.last_assured_date),
            "licenses": service.licenses,
            "alert": _text(service, "alert", language),
            "last_modified": service.updated_at.isoformat() if service.updated_at else None,
        },
        keep=("name", "status"),
    )
    if with_organization:
        record["organization"] = organization_to_hsds(service.organisation)
    if not nested:
        return record
    if profile is None:
        profile = profile_terms()
    service_attributes = _service_attributes(service, language, profile)
    derived_terms = {uuid.UUID(row["taxonomy_term_id"]) for row in service_attributes}
    record.update(
        {
            "phones": [_phone_to_hsds(phone, language) for phone in service.phones.all()],
            "schedules": [
                *(_schedule_to_hsds(row, language) for row in service.schedules.all()),
                *(closure_to_hsds(row, language, profile) for row in service.closures.all()),
            ],
            "service_areas": [],
            "languages": [_language_to_hsds(row) for row in service.languages.all()],
            "funding": [],
            "cost_options": [
                _compact(
                    {
                        "id": str(row.pk),
                        "service_id": str(row.service_id),
                        "valid_from": _date(row.valid_from),
                        "valid_to": _date(row.valid_to),
                        "option": _text(row, "option", language),
                        "currency": row.currency,
                        "amount": _number(row.amount),
                        "amount_description": row.amount_description,
                    }
                )
                for row in service.cost_options.all()
            ],
            "required_documents": [
                _compact(
                    {
                        "id": str(row.pk),
                        "service_id": str(row.service_id),
                        "document": _text(row, "document", language),
                        "uri": row.uri,
                    }
                )
                for row in service.required_documents.all()
            ],
            "contacts": [_contact_to_hsds(contact) for contact in service.contacts.all()],
            "attributes": [
                *service_attributes,
                *_stored_attributes_to_hsds(
                    service.pk, language, attributes, skip_terms=derived_terms
                ),
            ],
        }
    )
    if with_service_at_locations:
        record["service_at_locations"] = [
            service_at_location_to_hsds(
                sal, language, nested=True, with_service=False, attributes=attributes
            )
            for sal in service.service_at_locations.all()
        ]
    return record


def _service_attributes(service: Service, language: str, profile: ProfileTerms) -> list[Json]:
    """Needs, then the profile booleans that are true, as HSDS attributes."""
    needs = [
        _attribute(
            attribute_id=_derived_id("need", service.pk, term.pk),
            link_id=service.pk,
            link_entity="service",
            term=term,
            language=language,
        )
        for term in service.needs.all()
    ]
    flags = [
        _attribute(
            attribute_id=_derived_id("profile", service.pk, code),
            link_id=service.pk,
            link_entity="service",
            term=profile[code],
            language=language,
            value=PROFILE_VALUE,
        )
        for code in PROFILE_CODES
        if getattr(service, code)
    ]
    return [*needs, *flags]


# --- Querysets ------------------------------------------------------------------------------


def _phones() -> QuerySet[Phone]:
    return Phone.objects.select_related("organisation").prefetch_related("languages").order_by("pk")


def _ordered(lookup: str, model: type) -> Prefetch:
    """Related rows in a stable order, so two exports of the same data are identical."""
    return Prefetch(lookup, queryset=model.objects.order_by("pk"))  # type: ignore[attr-defined]


def _schedules() -> QuerySet[Schedule]:
    return Schedule.objects.order_by("opens_at", "pk")


def _location_prefetches(prefix: str) -> list[str | Prefetch]:
    return [
        _ordered(f"{prefix}languages", Language),
        _ordered(f"{prefix}addresses", Address),
        Prefetch(f"{prefix}contacts", queryset=_contacts()),
        _ordered(f"{prefix}accessibility", Accessibility),
        Prefetch(f"{prefix}phones", queryset=_phones()),
        Prefetch(f"{prefix}schedules", queryset=_schedules()),
    ]


def _contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("organisation").order_by("name", "pk")


def _service_prefetches(prefix: str = "", *, with_locations: bool = True) -> list[str | Prefetch]:
    prefetches: list[str | Prefetch] = [
        Prefetch(
            f"{prefix}needs",
            queryset=TaxonomyTerm.objects.select_related("taxonomy").order_by("code", "pk"),
        ),
        Prefetch(f"{prefix}phones", queryset=_phones()),
        Prefetch(f"{prefix}schedules", queryset=_schedules()),
        Prefetch(f"{prefix}closures", queryset=Closure.objects.order_by("starts_on", "pk")),
        _ordered(f"{prefix}languages", Language),
        _ordered(f"{prefix}required_documents", RequiredDocument),
        _ordered(f"{prefix}cost_options", CostOption),
        Prefetch(f"{prefix}contacts", queryset=_contacts()),
    ]
    if with_locations:
        sal = f"{prefix}service_at_locations"
        prefetches += [
            Prefetch(
                sal,
                queryset=ServiceAtLocation.objects.select_related(
                    "location__organisation"
                ).order_by("location__name", "pk"),
            ),
            Prefetch(f"{sal}__phones", queryset=_phones()),
            Prefetch(f"{sal}__contacts", queryset=_contacts()),
            Prefetch(f"{sal}__schedules", queryset=_schedules()),
            *_location_prefetches(f"{sal}__location__"),
        ]
    return prefetches


def services_queryset_for_hsds(*, nested: bool = True) -> QuerySet[Service]:
    """Services with everything `service_to_hsds` reads, in a constant number of queries."""
    queryset = Service.objects.select_related("organisation")
    if nested:
        queryset = queryset.prefetch_related(*_service_prefetches())
    return queryset


def service_at_locations_queryset_for_hsds(*, nested: bool = True) -> QuerySet[ServiceAtLocation]:
    queryset = ServiceAtLocation.objects.select_related(
        "location__organisation", "service__organisation"
    )
    if nested:
        queryset = queryset.prefetch_related(
            Prefetch("phones", queryset=_phones()),
            Prefetch("contacts", queryset=_contacts()),
            Prefetch("schedules", queryset=_schedules()),
            *_location_prefetches("location__"),
            *_service_prefetches("service__", with_locations=False),
        )
    return queryset


def organizations_queryset_for_hsds(
    *, nested: bool = False, full_service: bool = False
) -> QuerySet[Organisation]:
    """Organisations that run at least one service or place, the directory's ones."""
    queryset = Organisation.objects.filter(
        Exists(Service.objects.filter(organisation=OuterRef("pk")))
        | Exists(Location.objects.filter(organisation=OuterRef("pk")))
    )
    if not nested:
        return queryset
    services = Service.objects.select_related("organisation").order_by("pk")
    if full_service:
        services = services.prefetch_related(*_service_prefetches())
    return queryset.prefetch_related(
        Prefetch("contacts", queryset=_contacts()),
        Prefetch("phones", queryset=_phones()),
        Prefetch("locations", queryset=Location.objects.select_related("organisation")),
        *_location_prefetches("locations__"),
        Prefetch("services", queryset=services),
    )
