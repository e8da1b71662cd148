"""HSDS 3.0 import and export: the official examples, idempotency, rejected records, an
import that fails half-way, and export -> import -> export with no change."""

from __future__ import annotations

import datetime
import io
import json
import shutil
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import Organisation
from services import hsds_import
from services.hsds import CLOSURE_CODE, NEEDS_TAXONOMY_NAME, PROFILE_TAXONOMY_NAME, profile_terms
from services.hsds_import import HsdsImportError, ImportReport, import_hsds
from services.management.commands.export_hsds import export_hsds
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
    ServiceSearchDocument,
    Taxonomy,
    TaxonomyTerm,
)
from tests.factories.accounts import OrganisationFactory
from tests.factories.services import ServiceFactory, TaxonomyFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path("/work/shared/reference/hsds-3.0/examples")
SERVICE_ID = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
ORGANIZATION_ID = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
PHONE_ID = uuid.UUID("1554f2e2-a373-45db-a3fa-9fc48a61c15e")

DIRECTORY_MODELS = (
    Organisation,
    Service,
    Location,
    ServiceAtLocation,
    Address,
    Accessibility,
    Phone,
    Contact,
    Language,
    Schedule,
    Closure,
    RequiredDocument,
    CostOption,
    Attribute,
    Taxonomy,
    TaxonomyTerm,
)


def row_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in DIRECTORY_MODELS}
    counts["needs"] = Service.needs.through.objects.count()
    return counts


def created(report: ImportReport) -> dict[str, int]:
    return {table: count.created for table, count in report.tables.items() if count.created}


def rejected_reasons(report: ImportReport) -> dict[str, str]:
    return {rejection.id: rejection.reason for rejection in report.rejected}


def write_json(directory: Path, name: str, data: object) -> None:
    (directory / name).write_text(json.dumps(data, indent=2), encoding="utf-8")


# --- The official examples ------------------------------------------------------------------


def test_official_json_examples_are_imported() -> None:
    report = import_hsds(EXAMPLES)

    # What the examples hold that is valid: one of each (the same ids recur across files).
    assert created(report) == {
        "taxonomy": 1,
        "organization": 1,
        "service": 1,
        "phone": 1,
        "contact": 1,
        "language": 1,
        "schedule": 1,
        "required_document": 1,
        "cost_option": 1,
    }
    # The examples' location is at latitude 100 (and tabular.json gives its identifier as a
    # number); its term points at a taxonomy none of the files holds.
    reasons = rejected_reasons(report)
    assert LOCATION_ID in reasons
    assert "3f7b145d-84af-42d7-8fae-eaca714b02b2" in reasons  # the taxonomy term
    assert "e94c9f38-1e8f-4564-91d4-d53501ab1765" in reasons  # its service at location
    assert (
        reasons["e94c9f38-1e8f-4564-91d4-d53501ab1765"]
        == f"its location {LOCATION_ID} was rejected"
    )
    assert report.records_read > 100  # the files repeat the same records many times

    service = Service.objects.get(pk=SERVICE_ID)
    assert service.name_fr == "Community Counselling"  # the source language's column
    assert service.name_en in (None, "")
    assert service.status == Service.Status.ACTIVE
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.last_assured_date == datetime.date(2005, 1, 1)
    assert service.organisation.hsds_id == ORGANIZATION_ID
    assert service.organisation.name == "Example Organization Inc."
    assert service.organisation.slug == "example-organization-inc"
    phone = Phone.objects.get(pk=PHONE_ID)
    # One phone row for the service and the organisation (the location was rejected).
    assert (phone.service_id, phone.organisation_id) == (SERVICE_ID, service.organisation_id)
    assert phone.location_id is None
    assert phone.extension == "100"
    language = Language.objects.get()
    assert (language.code, language.service_id, language.phone_id) == ("ur", SERVICE_ID, PHONE_ID)
    schedule = Schedule.objects.get()
    assert (schedule.freq, schedule.byday) == ("WEEKLY", "TH,FR")
    assert schedule.opens_at == datetime.time(10, 0)
    assert schedule.service_id == SERVICE_ID
    assert CostOption.objects.get().amount == 35
    # The search finds the imported service.
    assert ServiceSearchDocument.objects.filter(service=service, language="fr").exists()


def test_official_csv_datapackage_is_imported() -> None:
    report = import_hsds(EXAMPLES / "csv")

    assert created(report) == {
        "taxonomy": 1,
        "organization": 1,
        "service": 1,
        "phone": 1,
        "contact": 1,
        "language": 1,
        "schedule": 1,
        "required_document": 1,
        "cost_option": 1,
    }
    reasons = rejected_reasons(report)
    assert reasons[LOCATION_ID] == "latitude 100 is outside -90..90"
    assert "07ff6aee-a219-438c-b694-d2fcb6c5373b" in reasons["3f7b145d-84af-42d7-8fae-eaca714b02b2"]
    assert (
        reasons["74706e55-df26-4b84-80fe-ecc30b5befb4"]
        == f"its location {LOCATION_ID} was rejected"
    )
    by_id = {rejection.id: rejection for rejection in report.rejected}
    assert (by_id[LOCATION_ID].file, by_id[LOCATION_ID].position) == ("locations.csv", "row 2")
    # Tables the portal does not keep are named, not silently dropped.
    assert any("funding" in note.reason for note in report.notes)
    service = Service.objects.get(pk=SERVICE_ID)
    assert service.fees_description_fr.startswith("Non-NHS patients")
    assert RequiredDocument.objects.get().document_fr.startswith("Any official identification")


def test_a_new_organisation_gets_a_slug_of_its_own_and_progress_is_reported() -> None:
    OrganisationFactory(name="Another one", slug="example-organization-inc")
    calls: list[tuple[int, int]] = []

    import_hsds(EXAMPLES / "csv", progress=lambda done, total: calls.append((done, total)))

    organisation = Organisation.objects.get(hsds_id=ORGANIZATION_ID)
    assert organisation.slug == "example-organization-inc-2"
    assert [done for done, _total in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][0] == calls[-1][1] == 15  # every record of the dataset, once


@pytest.mark.parametrize("path", [EXAMPLES, EXAMPLES / "csv"])
def test_importing_twice_changes_nothing(path: Path) -> None:
    first = import_hsds(path)
    counts = row_counts()
    updated_at = Service.objects.get(pk=SERVICE_ID).updated_at

    second = import_hsds(path)

    assert second.created == 0
    assert second.updated == 0
    assert second.unchanged == first.created
    assert len(second.rejected) == len(first.rejected)
    assert row_counts() == counts
    assert Service.objects.get(pk=SERVICE_ID).updated_at == updated_at


# --- Rejected records -----------------------------------------------------------------------


def _service(service_id: str, **fields: object) -> dict[str, object]:
    return {
        "id": service_id,
        "name": "Permanence d'accès aux soins",
        "status": "active",
        "organization": {
            "id": "6d0c5e1a-2b8b-4a51-9f0e-0f4f3b0c1a01",
            "name": "Centre de santé du Port",
            "description": "Un centre de santé municipal.",
        },
        **fields,
    }


def test_invalid_records_are_reported_and_the_valid_ones_imported(tmp_path: Path) -> None:
    good = "1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0001"
    far_away = "1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0002"
    services = [
        _service(good, phones=[{"id": "5e0c7d2a-0d64-4b7b-9a38-5e0c7d2a0001", "number": "05 00"}]),
        _service("1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0003", name=None),
        _service("1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0004", status="open"),
        _service(
            "not-a-uuid",
            phones=[{"id": "5e0c7d2a-0d64-4b7b-9a38-5e0c7d2a0002", "number": "05 01"}],
        ),
        _service(
            far_away,
            service_at_locations=[
                {
                    "id": "7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0001",
                    "location": {
                        "id": "7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0002",
                        "location_type": "physical",
                        "latitude": 200,
                        "longitude": 5.37,
                    },
                }
            ],
        ),
    ]
    write_json(tmp_path, "services.json", services)

    report = import_hsds(tmp_path)

    reasons = rejected_reasons(report)
    assert reasons["1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0003"] == "name is required"
    assert reasons["1b5b0e6f-7a1e-4c55-8f43-6b1a0a9e0004"] == (
        "status 'open' is not one of: active, inactive, defunct, temporarily closed"
    )
    assert reasons["not-a-uuid"] == "id 'not-a-uuid' is not a UUID"
    assert reasons["7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0002"] == "latitude 200 is outside -90..90"
    # What depends on a rejected record is left out too, with the reason.
    assert reasons["7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0001"] == (
        "its location 7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0002 was rejected"
    )
    assert (
        reasons["5e0c7d2a-0d64-4b7b-9a38-5e0c7d2a0002"] == "its service 'not-a-uuid' was rejected"
    )
    by_id = {rejection.id: rejection for rejection in report.rejected}
    assert by_id["not-a-uuid"].file == "services.json"
    assert by_id["not-a-uuid"].position == "$[3]"
    assert by_id["7f1d2c3b-4a59-4e6f-8a7b-7f1d2c3b0002"].position == (
        "$[4].service_at_locations[0].location"
    )
    # The valid services are there: the one with a location at latitude 200 without it.
    assert set(Service.objects.values_list("pk", flat=True)) == {
        uuid.UUID(good),
        uuid.UUID(far_away),
    }
    assert Phone.objects.get().number == "05 00"
    assert not Location.objects.exists()
    assert Organisation.objects.count() == 1


def test_model_rules_and_references_are_checked(tmp_path: Path) -> None:
    write_json(
        tmp_path,
        "services.json",
        [
            _service("2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0001", minimum_age=30, maximum_age=12),
            _service("2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0002", email="not an address"),
            _service("2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0003", minimum_age="twelve"),
            {"id": "2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0004", "name": "Sans structure",
             "status": "active"},
        ],
    )  # fmt: skip
    write_json(
        tmp_path,
        "addresses.json",
        [{"id": "2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0005", "location_id": LOCATION_ID,
          "address_1": "1 rue de la République", "city": "Marseille", "postal_code": "13001",
          "country": "FR", "address_type": "physical"}],
    )  # fmt: skip

    report = import_hsds(tmp_path)

    reasons = rejected_reasons(report)
    assert "service_age_range_ordered" in reasons["2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0001"]
    assert reasons["2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0002"].startswith("email: ")
    assert reasons["2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0003"] == (
        "minimum_age must be a number, not 'twelve'"
    )
    assert reasons["2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0004"] == "organization_id is required"
    assert reasons["2c6d1f7a-8b2f-4d66-9054-7c2b1b0f0005"] == "state_province is required"
    assert not Service.objects.exists()


def test_nothing_readable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(HsdsImportError):
        import_hsds(tmp_path / "missing")
    with pytest.raises(HsdsImportError):
        import_hsds(tmp_path)  # no .json or .csv file
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    report = import_hsds(tmp_path)
    assert report.records_read == 0
    assert report.rejected[0].file == "broken.json"
    assert report.rejected[0].reason.startswith("not readable JSON")


# --- Nothing half-imported ------------------------------------------------------------------


def test_a_failure_after_some_writes_leaves_the_directory_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    existing = ServiceFactory(name_fr="Déjà là")
    before = row_counts()

    def fail(service_ids: object = None) -> None:
        # Everything has been written by now, inside the transaction.
        assert Service.objects.filter(pk=SERVICE_ID).exists()
        raise RuntimeError("the search index is unavailable")

    monkeypatch.setattr(hsds_import.search, "reindex", fail)
    with pytest.raises(RuntimeError, match="search index"):
        import_hsds(EXAMPLES / "csv")

    assert row_counts() == before
    assert not Service.objects.filter(pk=SERVICE_ID).exists()
    assert Service.objects.get(pk=existing.pk).name_fr == "Déjà là"


def test_an_interruption_half_way_leaves_the_directory_unchanged() -> None:
    before = row_counts()
    seen_written = []

    def progress(done: int, total: int) -> None:
        # Interrupt (Ctrl-C) once the organisation is written and services are on their way.
        if Organisation.objects.filter(hsds_id=ORGANIZATION_ID).exists():
            seen_written.append(done)
            if done < total:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_hsds(EXAMPLES / "csv", progress=progress)

    assert seen_written  # the import had written something when it was interrupted
    assert row_counts() == before


# --- Languages and the HSDS profile ---------------------------------------------------------


def test_update_writes_the_source_language_and_keeps_other_translations(tmp_path: Path) -> None:
    organisation = OrganisationFactory()
    service = ServiceFactory(
        organisation=organisation,
        name_fr="Ancien nom",
        name_en="Old name",
        description_fr="Ancienne description",
        description_en="Old description",
    )
    write_json(
        tmp_path,
        "services.json",
        [{"id": str(service.pk), "organization_id": str(organisation.hsds_id),
          "name": "Nouveau nom", "description": "Nouvelle description", "status": "active"}],
    )  # fmt: skip

    report = import_hsds(tmp_path)

    assert report.count("service").updated == 1
    service.refresh_from_db()
    assert (service.name_fr, service.description_fr) == ("Nouveau nom", "Nouvelle description")
    assert (service.name_en, service.description_en) == ("Old name", "Old description")


def test_a_language_hint_writes_that_language(tmp_path: Path) -> None:
    taxonomy = TaxonomyFactory(name=NEEDS_TAXONOMY_NAME)
    term = TaxonomyTermFactory(taxonomy=taxonomy, code="health", name_fr="Santé", name_en="")
    new_id = "3d7e2a8b-9c3a-4e77-a165-8d3c2c1a0001"
    write_json(
        tmp_path,
        "taxonomy_terms.json",
        [
            {"id": str(term.pk), "code": "health", "name": "Health care", "description": "",
             "taxonomy_id": str(taxonomy.pk), "language": "eng"},
            {"id": new_id, "code": "housing", "name": "Housing", "description": "",
             "taxonomy_id": str(taxonomy.pk), "language": "en"},
        ],
    )  # fmt: skip

    import_hsds(tmp_path)

    term.refresh_from_db()
    assert (term.name_fr, term.name_en) == ("Santé", "Health care")
    new = TaxonomyTerm.objects.get(pk=new_id)
    # A new record also gets the text in the source language, which readers fall back to.
    assert (new.name_en, new.name_fr) == ("Housing", "Housing")


def test_needs_profile_and_closures_come_from_attributes(tmp_path: Path) -> None:
    profile = profile_terms()
    needs = TaxonomyFactory(name=NEEDS_TAXONOMY_NAME)
    health = TaxonomyTermFactory(taxonomy=needs, code="health")
    other_taxonomy = TaxonomyFactory(name="Audiences")
    women = TaxonomyTermFactory(taxonomy=other_taxonomy, code="women")
    organisation = OrganisationFactory()
    service_id = "4e8f3b9c-ad4b-4f88-b276-9e4d3d2b0001"
    closure_id = "4e8f3b9c-ad4b-4f88-b276-9e4d3d2b0002"

    def attribute(number: int, term: TaxonomyTerm, link: str, entity: str) -> dict[str, str]:
        return {"id": f"4e8f3b9c-ad4b-4f88-b276-9e4d3d2b01{number:02d}",
                "taxonomy_term_id": str(term.pk), "link_id": link, "link_entity": entity,
                "value": "true"}  # fmt: skip

    write_json(
        tmp_path,
        "services.json",
        [
            {
                "id": service_id,
                "organization_id": str(organisation.hsds_id),
                "name": "Bains-douches",
                "status": "active",
                "schedules": [
                    {"id": closure_id, "valid_from": "2025-12-24", "valid_to": "2025-12-26",
                     "description": "closed: Noël",
                     "attributes": [attribute(1, profile[CLOSURE_CODE], closure_id, "schedule")]},
                ],
                "attributes": [
                    attribute(2, health, service_id, "service"),
                    attribute(3, profile["free"], service_id, "service"),
                    attribute(4, profile["walk_in"], service_id, "service"),
                    attribute(5, women, service_id, "service"),
                ],
            }
        ],
    )  # fmt: skip

    report = import_hsds(tmp_path)

    assert report.rejected == []
    service = Service.objects.get(pk=service_id)
    assert list(service.needs.all()) == [health]
    assert (service.free, service.walk_in, service.no_documents_required) == (True, True, False)
    closure = Closure.objects.get(pk=closure_id)
    assert (closure.starts_on, closure.ends_on) == (
        datetime.date(2025, 12, 24),
        datetime.date(2025, 12, 26),
    )
    assert closure.reason_fr == "Noël"
    assert not Schedule.objects.exists()
    # Only what the portal has no field for is kept as an attribute.
    kept = Attribute.objects.get()
    assert (kept.taxonomy_term, kept.link_id, kept.link_entity) == (
        women,
        uuid.UUID(service_id),
        "service",
    )
    assert ServiceSearchDocument.objects.filter(service=service).exists()

    # The record is the state: attributes no longer given are no longer true.
    data = json.loads((tmp_path / "services.json").read_text())
    data[0]["attributes"] = [attribute(3, profile["free"], service_id, "service")]
    write_json(tmp_path, "services.json", data)
    second = import_hsds(tmp_path)
    assert second.count("service").updated == 1
    service.refresh_from_db()
    assert list(service.needs.all()) == []
    assert (service.free, service.walk_in) == (True, False)


# --- Export, and the round trip -------------------------------------------------------------


def _directory() -> Service:
    """A directory with a bit of everything the export writes."""
    profile_terms()
    needs = TaxonomyFactory(name=NEEDS_TAXONOMY_NAME, description="What people come for")
    health = TaxonomyTermFactory(taxonomy=needs, code="health", name_fr="Santé", name_en="Health")
    care = TaxonomyTermFactory(
        taxonomy=needs, code="primary-care", name_fr="Soins", name_en="Care", parent=health
    )
    audiences = TaxonomyFactory(name="Audiences", description="")
    women = TaxonomyTermFactory(taxonomy=audiences, code="women", name_fr="Femmes", name_en="Women")
    organisation = OrganisationFactory(
        name="Centre de santé", description="Municipal", email="sante@ville.example.org"
    )
    service = ServiceFactory(
        organisation=organisation,
        name_fr="Consultations sans rendez-vous",
        name_en="Walk-in consultations",
        description_fr="Un médecin reçoit toute personne.",
        status=Service.Status.ACTIVE,
        minimum_age=16,
        free=True,
        walk_in=True,
        no_documents_required=True,
        last_assured_date=datetime.date(2025, 1, 15),
    )
    service.needs.set([health, care])
    second = ServiceFactory(organisation=organisation, name_fr="Domiciliation", status="inactive")
    second.needs.set([health])
    location = Location.objects.create(
        location_type="physical",
        organisation=organisation,
        name_fr="Maison de santé",
        transportation_fr="Métro Vieux-Port",
        latitude=43.2951,
        longitude=5.3744,
    )
    Address.objects.create(
        location=location, address_1="2 quai du Port", city="Marseille",
        state_province="Bouches-du-Rhône", postal_code="13002", country="FR",
        address_type="physical",
    )  # fmt: skip
    Accessibility.objects.create(location=location, description_fr="Accès de plain-pied")
    shelter = Location.objects.create(
        location_type="physical", name_fr="Abri", is_confidential=True, latitude=43.3, longitude=5.4
    )
    at_location = ServiceAtLocation.objects.create(service=service, location=location)
    ServiceAtLocation.objects.create(service=second, location=shelter)
    phone = Phone.objects.create(service=service, number="04 91 00 00 00", extension="12")
    Language.objects.create(phone=phone, service=service, code="ar", name="Arabe")
    Language.objects.create(service=service, code="ti", name="Tigrinya")
    Phone.objects.create(organisation=organisation, number="04 91 00 00 01")
    Contact.objects.create(service=service, name="Accueil", email="accueil@ville.example.org")
    Schedule.objects.create(
        service=service, freq="WEEKLY", byday="MO,TU", opens_at=datetime.time(9),
        closes_at=datetime.time(12, 30), description_fr="Le matin",
    )  # fmt: skip
    Schedule.objects.create(
        service_at_location=at_location, freq="WEEKLY", byday="WE", opens_at=datetime.time(20),
        closes_at=datetime.time(2),
    )  # fmt: skip
    Closure.objects.create(
        service=service, starts_on=datetime.date(2025, 8, 1), ends_on=datetime.date(2025, 8, 15),
        reason_fr="Congés d'été",
    )  # fmt: skip
    Closure.objects.create(
        service=service, starts_on=datetime.date(2025, 12, 25), ends_on=datetime.date(2025, 12, 25)
    )
    RequiredDocument.objects.create(service=second, document_fr="Une pièce d'identité")
    CostOption.objects.create(service=second, option_fr="Adhésion", currency="EUR", amount="5.50")
    Attribute.objects.create(
        link_id=service.pk, link_entity="service", taxonomy_term=women, value="accueil dédié"
    )
    return service


def _empty_directory() -> None:
    Attribute.objects.all().delete()
    Service.objects.all().delete()
    Location.objects.all().delete()
    Organisation.objects.all().delete()
    while TaxonomyTerm.objects.exists():
        TaxonomyTerm.objects.filter(children__isnull=True).delete()
    Taxonomy.objects.all().delete()


def _files(directory: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(directory.iterdir())}


def test_export_then_import_into_an_empty_directory_then_export_changes_nothing(
    tmp_path: Path,
) -> None:
    service = _directory()
    first, second = tmp_path / "first", tmp_path / "second"
    export_hsds(first)
    services = json.loads((first / "services.json").read_text(encoding="utf-8"))
    assert {record["name"] for record in services} == {
        "Consultations sans rendez-vous",
        "Domiciliation",
    }
    counts = row_counts()

    _empty_directory()
    assert not Service.objects.exists()
    report = import_hsds(first)
    export_hsds(second)

    assert report.rejected == []
    assert _files(second) == _files(first)
    assert row_counts() == counts
    imported = Service.objects.get(pk=service.pk)
    assert imported.name_fr == "Consultations sans rendez-vous"
    assert (imported.free, imported.walk_in, imported.no_documents_required) == (True, True, True)
    assert {term.code for term in imported.needs.all()} == {"health", "primary-care"}
    assert imported.closures.get(starts_on=datetime.date(2025, 8, 1)).reason_fr == "Congés d'été"
    # Importing the same files again changes nothing.
    again = import_hsds(first)
    assert (again.created, again.updated, again.rejected) == (0, 0, [])


def test_reimporting_the_export_keeps_confidential_places_and_translations(tmp_path: Path) -> None:
    service = _directory()
    export_hsds(tmp_path)
    shelter = Location.objects.get(is_confidential=True)
    exported = (tmp_path / "services.json").read_text(encoding="utf-8")
    assert "43.3" not in exported  # the shelter's position is not published

    report = import_hsds(tmp_path)

    assert (report.created, report.updated, report.rejected) == (0, 0, [])
    shelter.refresh_from_db()
    assert (shelter.latitude, shelter.longitude) == (43.3, 5.4)
    service.refresh_from_db()
    assert service.name_en == "Walk-in consultations"


# --- The commands ---------------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_import_command_reports_counts_and_rejections(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "service_full.json", tmp_path / "service_full.json")
    output = io.StringIO()

    call_command("import_hsds", str(tmp_path), stdout=output)

    text = output.getvalue()
    assert "\r" not in text  # no progress line when the output is not a terminal
    assert "service                       1        0          0         0" in text
    assert "Rejected (" in text
    assert f"location {LOCATION_ID}: latitude 100 is outside -90..90" in text
    assert "created, 0 updated, 0 unchanged," in text

    again = io.StringIO()
    call_command("import_hsds", str(tmp_path), stdout=again)
    assert "0 created, 0 updated," in again.getvalue()


def test_import_command_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    terminal = _Terminal()
    call_command("import_hsds", str(EXAMPLES / "csv"), stdout=terminal)
    text = terminal.getvalue()
    assert "\r" in text
    assert "records/s" in text
    assert "ETA" in text


def test_import_command_exits_2_when_nothing_can_be_read(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("import_hsds", str(tmp_path / "missing"), stdout=io.StringIO())
    assert error.value.returncode == 2
    (tmp_path / "broken.json").write_text("[", encoding="utf-8")
    output = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_hsds", str(tmp_path), stdout=output)
    assert error.value.returncode == 2
    assert "broken.json" in output.getvalue()


def test_export_command_writes_the_four_files(tmp_path: Path) -> None:
    _directory()
    output = io.StringIO()

    call_command("export_hsds", str(tmp_path / "out"), stdout=output)

    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == [
        "organizations.json",
        "services.json",
        "taxonomies.json",
        "taxonomy_terms.json",
    ]
    assert "services.json: 2 records" in output.getvalue()
    taxonomies = json.loads((tmp_path / "out" / "taxonomies.json").read_text(encoding="utf-8"))
    assert PROFILE_TAXONOMY_NAME in {taxonomy["name"] for taxonomy in taxonomies}
