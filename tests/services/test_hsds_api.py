"""/api/hsds/: what an HSDS 3.0 consumer reads, validated against the official schemas
(vendored in tests/data/hsds, CC BY-SA 4.0)."""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from services import hsds, hsds_api
from services.models import Closure, Language, Service, Taxonomy, TaxonomyTerm
from tests.factories.accounts import OrganisationFactory
from tests.factories.hsds import (
    AddressFactory,
    LocationFactory,
    ScheduleFactory,
    ServiceAtLocationFactory,
    service_with_everything,
)
from tests.factories.services import ServiceFactory, TaxonomyTermFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "hsds"
BASE = "https://hsds.test/schema/"
SCHEMAS = [
    "compiled/service.json",
    "compiled/service_list.json",
    "compiled/organization.json",
    "compiled/organization_list.json",
    "compiled/service_at_location.json",
    "compiled/service_at_location_list.json",
    "taxonomy.json",
    "taxonomy_term.json",
    "metadata.json",
]
PAGE_KEYS = [
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
]


# --- Validation against the official schemas -----------------------------------------------


@functools.cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Registry:
    return Registry().with_resources(
        (BASE + name, Resource.from_contents(_schema(name), default_specification=DRAFT202012))
        for name in SCHEMAS
    )


def _format_checker() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme and parts.netloc)

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return datetime.datetime.fromisoformat(value).tzinfo is not None

    return checker


def _unknown_keys(instance: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """Keys the schema does not define (HSDS schemas allow extra keys; we publish none)."""
    if "$ref" in schema:
        schema = _schema(schema["$ref"])
    problems = []
    if isinstance(instance, dict) and "properties" in schema:
        for key, value in instance.items():
            if key not in schema["properties"]:
                problems.append(f"{path}.{key}")
            else:
                problems += _unknown_keys(value, schema["properties"][key], f"{path}.{key}")
    if isinstance(instance, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(instance):
            problems += _unknown_keys(item, schema["items"], f"{path}[{index}]")
    return problems


def assert_valid(instance: Any, name: str) -> None:
    validator = Draft202012Validator(
        {"$ref": BASE + name}, registry=_registry(), format_checker=_format_checker()
    )
    errors = [f"{error.json_path}: {error.message}" for error in validator.iter_errors(instance)]
    assert not errors, "\n".join(errors[:20])
    assert not _unknown_keys(instance, _schema(name))


def assert_valid_page(body: dict[str, Any], item_schema: str) -> None:
    page_schema = _schema_of_openapi_page()
    errors = list(Draft202012Validator(page_schema).iter_errors(body))
    assert not errors, errors
    assert list(body) == PAGE_KEYS
    for record in body["contents"]:
        assert_valid(record, item_schema)


@functools.cache
def _schema_of_openapi_page() -> dict[str, Any]:
    page = json.loads((DATA / "openapi.json").read_text())["components"]["schemas"]["Page"]
    return {**page, "required": [key for key in PAGE_KEYS if key != "contents"]}


def get(client: Client, url: str, **params: object) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def client() -> Client:
    return Client()


# --- Root and profile -----------------------------------------------------------------------


def test_root_names_the_version_the_profile_and_the_openapi(client: Client) -> None:
    body = get(client, "/api/hsds/")
    assert body["version"] == "3.0"
    assert body["openapi_url"] == (
        "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
    )
    profile = client.get(urlsplit(body["profile"]).path).json()
    assert urlsplit(body["profile"]).scheme == "http"
    assert [term["code"] for term in profile["terms"]] == [*hsds.PROFILE_CODES, "closure"]
    for term in profile["terms"]:
        assert_valid(term, "taxonomy_term.json")
    response = client.get("/api/hsds/")
    assert not response.cookies
    assert response["Access-Control-Allow-Origin"] == "*"  # open data: any site may read
    assert client.get("/api/hsds", follow=True).json()["version"] == "3.0"


def test_profile_terms_are_made_once_and_named_in_every_language() -> None:
    first = hsds.profile_terms()
    second = hsds.profile_terms()
    assert {code: term.pk for code, term in first.items()} == {
        code: term.pk for code, term in second.items()
    }
    assert Taxonomy.objects.filter(name=hsds.PROFILE_TAXONOMY_NAME).count() == 1
    assert set(first) == {*hsds.PROFILE_CODES, hsds.CLOSURE_CODE}
    for language in ("fr", "ar"):
        with translation.override(language):
            label = str(Service._meta.get_field("free").verbose_name)
        assert getattr(first["free"], f"name_{language}") == label


def test_profile_term_names_follow_the_catalogue(client: Client) -> None:
    term = hsds.profile_terms()["walk_in"]
    TaxonomyTerm.objects.filter(pk=term.pk).update(name_fr="ancien libellé")
    body = get(client, f"/api/hsds/taxonomy_terms/{term.pk}", lang="fr")
    with translation.override("fr"):
        assert body["name"] == str(Service._meta.get_field("walk_in").verbose_name)


# --- Services -------------------------------------------------------------------------------


def test_a_service_with_every_relation_is_valid_hsds_in_the_readers_language(
    client: Client,
) -> None:
    service = service_with_everything()
    body = get(client, f"/api/hsds/services/{service.pk}", lang="ar")
    assert_valid(body, "compiled/service.json")

    assert body["id"] == str(service.pk)
    assert body["name"] == "عيادة"  # Arabic text
    assert body["description"] == "Soins sans rendez-vous."  # falls back to French
    assert body["organization_id"] == str(service.organisation.hsds_id)
    assert body["organization"]["id"] == str(service.organisation.hsds_id)
    assert body["status"] == "active"
    assert body["assured_date"] == "2025-01-15"
    assert body["minimum_age"] == 16
    assert {language["code"] for language in body["languages"]} == {"fr", "ar"}
    assert body["required_documents"][0]["document"] == "Aucun"
    assert body["cost_options"][0]["amount"] == 0.0
    assert body["contacts"][0]["name"] == "Dr Martin"
    phone = body["phones"][0]
    assert phone["languages"][0]["code"] == "ar"
    assert "extension" not in phone  # "poste 3" is not a number
    assert body["service_at_locations"][0]["phones"][0]["extension"] == 12

    weekly, closure = body["schedules"]
    assert weekly["opens_at"] == "09:00"
    assert weekly["byday"] == "MO,TU,WE,TH,FR"
    assert weekly["notes"] == "Sauf jours fériés"
    assert closure["valid_from"] == "2025-12-24"
    assert closure["valid_to"] == "2025-12-26"
    assert "opens_at" not in closure and "closes_at" not in closure
    assert closure["description"] == "closed: Noël"
    assert [a["taxonomy_term"]["code"] for a in closure["attributes"]] == ["closure"]

    place = body["service_at_locations"][0]["location"]
    assert place["addresses"][0]["postal_code"] == "38000"
    assert place["latitude"] == 45.1885
    assert place["accessibility"][0]["description"] == "Rampe d'accès"
    assert place["languages"][0]["code"] == "ti"

    by_taxonomy: dict[str, dict[str, str]] = {}
    for attribute in body["attributes"]:
        term = attribute["taxonomy_term"]
        by_taxonomy.setdefault(term["taxonomy"], {})[term["code"]] = attribute.get("value", "")
        assert attribute["link_id"] == str(service.pk)
    assert by_taxonomy[hsds.PROFILE_TAXONOMY_NAME] == {
        "no_documents_required": "true",
        "free": "true",
        "walk_in": "true",
    }
    assert list(by_taxonomy["Needs"].values()) == ["", "adults"]  # a need, a stored one
    need_term = service.needs.get()
    need = next(a for a in body["attributes"] if a["taxonomy_term_id"] == str(need_term.pk))
    assert need["taxonomy_term"]["name"] == need_term.name_fr
    assert need["taxonomy_term"]["language"] == "fr"  # no Arabic name: said so


def test_attribute_ids_are_stable_between_requests(client: Client) -> None:
    service = service_with_everything()
    url = f"/api/hsds/services/{service.pk}"
    assert get(client, url)["attributes"] == get(client, url)["attributes"]


def test_a_confidential_location_is_published_without_address_or_coordinates(
    client: Client,
) -> None:
    service = service_with_everything(confidential=True)
    sal = service.service_at_locations.get()
    responses = {
        "service": client.get(f"/api/hsds/services/{service.pk}"),
        "services": client.get("/api/hsds/services", {"full": "true"}),
        "services ndjson": client.get("/api/hsds/services", {"full": "true", "format": "ndjson"}),
        "sal": client.get(f"/api/hsds/service_at_locations/{sal.pk}"),
        "sals": client.get("/api/hsds/service_at_locations", {"full": "true"}),
        "organization": client.get(f"/api/hsds/organizations/{service.organisation.hsds_id}"),
        "organizations": client.get("/api/hsds/organizations", {"full": "true"}),
    }
    for name, response in responses.items():
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert response.status_code == 200, name
        assert "Secrète" not in content, name
        assert "38100" not in content, name
        assert "45.1885" not in content, name
        assert "porte bleue" not in content, name
    place = get(client, f"/api/hsds/service_at_locations/{sal.pk}")["location"]
    assert place["addresses"] == []
    assert "latitude" not in place and "longitude" not in place
    assert place["phones"]  # still reachable by phone
    # nor can a postcode search find where it is
    assert get(client, "/api/hsds/service_at_locations", postcode="38100")["total_items"] == 0


def test_the_services_page_validates_and_nests_only_when_asked(client: Client) -> None:
    service_with_everything()
    ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    body = get(client, "/api/hsds/services")
    assert_valid_page(body, "compiled/service_list.json")
    assert body["total_items"] == 2
    assert {service["status"] for service in body["contents"]} == {
        "active",
        "temporarily closed",
    }
    assert all("phones" not in service for service in body["contents"])
    full = get(client, "/api/hsds/services", full="true")
    assert_valid_page(full, "compiled/service.json")
    assert any(service["service_at_locations"] for service in full["contents"])


def test_pagination_and_per_page_cap(client: Client) -> None:
    organisation = OrganisationFactory()
    Service.objects.bulk_create(
        Service(organisation=organisation, name_fr=f"Service {number:03d}")
        for number in range(hsds_api.MAX_PER_PAGE + 5)
    )
    capped = get(client, "/api/hsds/services", per_page=1000)
    assert capped["size"] == hsds_api.MAX_PER_PAGE
    assert capped["total_pages"] == 2
    last = get(client, "/api/hsds/services", per_page=1000, page=2)
    assert (last["size"], last["first_page"], last["last_page"]) == (5, False, True)
    page = get(client, "/api/hsds/services", per_page=10, page=3)
    assert page["contents"][0]["name"] == "Service 020"
    assert (page["page_number"], page["total_pages"], page["total_items"]) == (3, 21, 205)
    assert (page["first_page"], page["last_page"], page["empty"]) == (False, False, False)
    beyond = get(client, "/api/hsds/services", per_page=10, page=99)
    assert (beyond["size"], beyond["empty"], beyond["contents"]) == (0, True, [])
    assert_valid_page(beyond, "compiled/service_list.json")
    names = [s["name"] for s in get(client, "/api/hsds/services", per_page=200)["contents"]]
    assert names == sorted(names)


def test_an_empty_directory_is_an_empty_first_and_last_page(client: Client) -> None:
    body = get(client, "/api/hsds/services")
    assert body == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"per_page": "-3"}, "per_page"),
        ({"page": "two"}, "page"),
        ({"format": "xml"}, "format"),
        ({"lang": "xx"}, "lang"),
        ({"full": "maybe"}, "full"),
        ({"taxonomy_term_id": "not-a-uuid"}, "taxonomy_term_id"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"proximity": "45.1,north"}, "proximity"),
    ],
)
def test_bad_parameters_are_refused_with_the_reason(
    client: Client, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/hsds/services", params)
    assert response.status_code == 400
    assert field in response.json()


def test_ndjson_streams_every_service_one_per_line(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hsds_api, "STREAM_CHUNK", 2)  # several chunks
    service_with_everything()
    for _ in range(4):
        ServiceFactory()
    response = client.get("/api/hsds/services", {"format": "ndjson", "per_page": 1})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert len({record["id"] for record in records}) == 5 == Service.objects.count()
    for record in records:
        assert_valid(record, "compiled/service_list.json")
    full = client.get("/api/hsds/services", {"format": "ndjson", "full": "true"})
    for line in b"".join(full.streaming_content).decode().splitlines():
        assert_valid(json.loads(line), "compiled/service.json")


def test_ndjson_of_every_list(client: Client) -> None:
    service_with_everything()
    for url, schema in [
        ("/api/hsds/organizations", "compiled/organization_list.json"),
        ("/api/hsds/service_at_locations", "compiled/service_at_location_list.json"),
        ("/api/hsds/taxonomies", "taxonomy.json"),
        ("/api/hsds/taxonomy_terms", "taxonomy_term.json"),
    ]:
        response = client.get(url, {"format": "ndjson"})
        assert response["Content-Type"] == "application/x-ndjson", url
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines, url
        for line in lines:
            assert_valid(json.loads(line), schema)


@pytest.mark.parametrize(
    "path",
    ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"],
)
def test_unknown_ids_are_404(client: Client, path: str) -> None:
    service_with_everything()
    for unknown in (str(uuid.uuid4()), "not-a-uuid"):
        response = client.get(f"/api/hsds/{path}/{unknown}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


def test_paths_answer_with_and_without_trailing_slash(client: Client) -> None:
    service = ServiceFactory()
    assert get(client, "/api/hsds/services")["total_items"] == 1
    assert get(client, "/api/hsds/services/")["total_items"] == 1
    assert get(client, f"/api/hsds/services/{service.pk}/")["id"] == str(service.pk)


def test_services_page_costs_a_constant_number_of_queries(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    organisation = OrganisationFactory()
    need = TaxonomyTermFactory()
    for _ in range(5):
        service_with_everything(organisation=organisation, need=need)
    hsds.profile_terms()

    def count(params: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as queries:
            body = get(client, "/api/hsds/services", **params)
        assert body["size"] == Service.objects.count()
        return len(queries)

    full = {"full": "true", "per_page": "50"}
    with django_assert_max_num_queries(30):
        few_full, few = count(full), count({})
    for _ in range(20):
        service_with_everything(organisation=organisation, need=need)
    with django_assert_max_num_queries(30):
        assert count(full) == few_full
        assert count({}) == few


def test_organization_id_filter_of_an_unknown_organization_finds_nothing(
    client: Client,
) -> None:
    ServiceFactory()
    body = get(client, "/api/hsds/services", organization_id=str(uuid.uuid4()))
    assert (body["total_items"], body["contents"]) == (0, [])


# Filters through services.search.service_search


def test_services_filtered_by_term_organization_and_modification(client: Client) -> None:
    from services.search import reindex

    need = TaxonomyTermFactory()
    organisation = OrganisationFactory()
    with_need = ServiceFactory(organisation=organisation)
    with_need.needs.add(need)
    other = ServiceFactory()
    old = ServiceFactory(organisation=organisation)
    Service.objects.filter(pk=old.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    reindex()

    def ids(**params: object) -> set[str]:
        body = get(client, "/api/hsds/services", **params)
        assert_valid_page(body, "compiled/service_list.json")
        return {service["id"] for service in body["contents"]}

    assert ids(taxonomy_term_id=need.pk) == {str(with_need.pk)}
    assert ids(organization_id=organisation.hsds_id) == {str(with_need.pk), str(old.pk)}
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert ids(modified_after=since) == {str(with_need.pk), str(other.pk)}
    assert ids(organization_id=organisation.hsds_id, modified_after=since) == {str(with_need.pk)}
    exactly = Service.objects.get(pk=old.pk).updated_at.isoformat()
    assert str(old.pk) in ids(modified_after=exactly)  # "on or after"
    # ISO 8601 allows offsets PostgreSQL refuses, and moments at the calendar's edge
    # (found by schemathesis): answered, not a server error.
    assert len(ids(modified_after="1436-01-05T19:37:19.25-19:19")) == 3
    assert len(ids(modified_after="0001-01-01T00:00:00+05:00")) == 3
    assert ids(modified_after="9999-12-31T23:00:00-05:00") == set()


def test_services_filtered_by_the_portals_own_filters(client: Client) -> None:
    from services.search import reindex

    now = timezone.localtime()
    hours = {
        "byday": "MO,TU,WE,TH,FR,SA,SU",
        "opens_at": (now - datetime.timedelta(hours=1)).time(),
        "closes_at": (now + datetime.timedelta(hours=1)).time(),
    }
    open_one = ServiceFactory(name_fr="Permanence santé", no_documents_required=True)
    ScheduleFactory(service=open_one, **hours)
    Language.objects.create(service=open_one, code="ti")
    on_holiday = ServiceFactory(name_fr="Bagagerie", status=Service.Status.DEFUNCT)
    ScheduleFactory(service=on_holiday, **hours)
    Closure.objects.create(service=on_holiday, starts_on=now.date(), ends_on=now.date())
    far = ServiceFactory(name_fr="Cours de français")
    ServiceAtLocationFactory(service=far, location=LocationFactory(latitude=45.3, longitude=5.9))
    near = ServiceFactory(name_fr="Domiciliation")
    ServiceAtLocationFactory(service=near, location=LocationFactory(latitude=45.19, longitude=5.72))
    AddressFactory(location=near.service_at_locations.get().location, postal_code="38100")
    reindex()

    def names(**params: object) -> list[str]:
        body = get(client, "/api/hsds/services", **params)
        assert_valid_page(body, "compiled/service_list.json")
        return [service["name"] for service in body["contents"]]

    assert names(open_now="true") == ["Permanence santé"]
    assert names(no_documents_required="true") == ["Permanence santé"]
    assert names(language="ti") == ["Permanence santé"]
    assert names(search="santé") == ["Permanence santé"]
    assert names(postcode="38100") == ["Domiciliation"]
    assert names(proximity="45.188,5.724")[:2] == ["Domiciliation", "Cours de français"]
    assert names(search="Bagagerie") == ["Bagagerie"]  # every status is published
    beyond = get(client, "/api/hsds/services", search="santé", page=2)
    assert (beyond["size"], beyond["empty"], beyond["total_items"]) == (0, True, 1)
    # Within 2 km only: the class 20 km away is left out.
    assert names(proximity="45.188,5.724,2") == ["Domiciliation"]
    assert client.get("/api/hsds/services", {"proximity": "45.188,5.724,-1"}).status_code == 400


def test_filtered_ndjson_streams_every_match(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.search import reindex

    monkeypatch.setattr(hsds_api, "STREAM_CHUNK", 2)
    organisation = OrganisationFactory()
    expected = {str(ServiceFactory(organisation=organisation).pk) for _ in range(5)}
    ServiceFactory()
    reindex()
    response = client.get(
        "/api/hsds/services", {"format": "ndjson", "organization_id": organisation.hsds_id}
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert {json.loads(line)["id"] for line in lines} == expected
    assert len(lines) == 5


def test_a_postcode_search_does_not_reveal_a_confidential_location(client: Client) -> None:
    from services.search import reindex

    service_with_everything(confidential=True)
    reindex()
    assert get(client, "/api/hsds/services", postcode="38100")["total_items"] == 0


# --- Services at locations ------------------------------------------------------------------


def test_service_at_locations_list_and_detail_validate(client: Client) -> None:
    service = service_with_everything()
    sal = service.service_at_locations.get()
    body = get(client, "/api/hsds/service_at_locations")
    assert_valid_page(body, "compiled/service_at_location_list.json")
    assert body["contents"][0]["service"]["name"] == service.name_fr
    assert "addresses" not in body["contents"][0]["location"]
    full = get(client, "/api/hsds/service_at_locations", full="true")
    for record in full["contents"]:
        assert_valid(record, "compiled/service_at_location.json")
    detail = get(client, f"/api/hsds/service_at_locations/{sal.pk}", lang="en")
    assert_valid(detail, "compiled/service_at_location.json")
    assert detail["service"]["id"] == str(service.pk)
    assert "service_at_locations" not in detail["service"]
    assert detail["location"]["name"].startswith("Place ")  # English
    assert detail["schedules"][0]["byday"] == "SA"


def test_service_at_locations_filters(client: Client) -> None:
    need = TaxonomyTermFactory()
    organisation = OrganisationFactory()
    first = ServiceAtLocationFactory(service=ServiceFactory(organisation=organisation))
    first.service.needs.add(need)
    AddressFactory(location=first.location, postal_code="38000")
    second = ServiceAtLocationFactory()
    AddressFactory(location=second.location, postal_code="38100")

    def ids(**params: object) -> list[str]:
        return [
            row["id"] for row in get(client, "/api/hsds/service_at_locations", **params)["contents"]
        ]

    assert ids(taxonomy_term_id=need.pk) == [str(first.pk)]
    assert ids(organization_id=organisation.hsds_id) == [str(first.pk)]
    assert ids(postcode="38100") == [str(second.pk)]
    future = (timezone.now() + datetime.timedelta(days=1)).isoformat()
    assert ids(modified_after=future) == []


# --- Organizations --------------------------------------------------------------------------


def test_organizations_list_only_those_in_the_directory(client: Client) -> None:
    service = service_with_everything()
    OrganisationFactory(name="Une équipe sans service")
    body = get(client, "/api/hsds/organizations")
    assert_valid_page(body, "compiled/organization_list.json")
    assert [row["id"] for row in body["contents"]] == [str(service.organisation.hsds_id)]
    assert body["contents"][0]["description"] == "Accueil des personnes exilées"
    full = get(client, "/api/hsds/organizations", full="true")
    assert_valid(full["contents"][0], "compiled/organization.json")


def test_organization_detail_nests_its_services_simply_or_fully(client: Client) -> None:
    service = service_with_everything()
    url = f"/api/hsds/organizations/{service.organisation.hsds_id}"
    body = get(client, url)
    assert_valid(body, "compiled/organization.json")
    assert [row["id"] for row in body["services"]] == [str(service.pk)]
    assert "phones" not in body["services"][0]
    assert body["locations"][0]["addresses"]
    assert body["contacts"][0]["department"] == "Direction"
    full = get(client, url, full_service="true")
    assert_valid(full, "compiled/organization.json")
    assert full["services"][0]["service_at_locations"]
    assert client.get(f"/api/hsds/organizations/{OrganisationFactory().hsds_id}").status_code == 404


# --- Taxonomies -----------------------------------------------------------------------------


def test_taxonomies_and_terms_validate_and_include_the_profile(client: Client) -> None:
    parent = TaxonomyTermFactory(code="health", name_ar="صحة")
    child = TaxonomyTermFactory(code="dentist", taxonomy=parent.taxonomy, parent=parent)
    taxonomies = get(client, "/api/hsds/taxonomies")
    assert_valid_page(taxonomies, "taxonomy.json")
    assert {row["name"] for row in taxonomies["contents"]} == {
        "Needs",
        hsds.PROFILE_TAXONOMY_NAME,
    }
    assert_valid(get(client, f"/api/hsds/taxonomies/{parent.taxonomy_id}"), "taxonomy.json")

    terms = get(client, "/api/hsds/taxonomy_terms", lang="ar")
    assert_valid_page(terms, "taxonomy_term.json")
    assert terms["total_items"] == 2 + len(hsds.ALL_PROFILE_CODES)
    detail = get(client, f"/api/hsds/taxonomy_terms/{parent.pk}", lang="ar")
    assert_valid(detail, "taxonomy_term.json")
    assert (detail["name"], detail["language"]) == ("صحة", "ar")

    def codes(**params: object) -> list[str]:
        return [
            row["code"] for row in get(client, "/api/hsds/taxonomy_terms", **params)["contents"]
        ]

    assert codes(parent_id=parent.pk) == ["dentist"]
    assert codes(taxonomy_id=child.taxonomy_id) == ["dentist", "health"]
    assert "dentist" not in codes(top_only="true")
    assert codes(search="صحة", lang="ar") == ["health"]
    profile_taxonomy = Taxonomy.objects.get(name=hsds.PROFILE_TAXONOMY_NAME)
    assert codes(taxonomy_id=profile_taxonomy.pk) == sorted(hsds.ALL_PROFILE_CODES)


def test_the_hsds_paths_are_documented_as_the_specification_names_them(client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    documented = {path for path in schema["paths"] if path.startswith("/api/hsds/")}
    specification = json.loads((DATA / "openapi.json").read_text())["paths"]
    assert documented == {"/api/hsds/profile"} | {"/api/hsds" + path for path in specification}
