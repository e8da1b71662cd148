"""Import of an Open Referral HSDS 3.0 directory: a folder of HSDS JSON files, or an HSDS
tabular dataset (CSV files, with or without their datapackage.json).

Reading flattens every record, whether nested in another one, alone in its own file or a
row of a CSV file, into one record per (table, id), merging what several places say
about the same id. The official examples repeat one phone under a service, its location
and its organization; the tabular form of that is one phone row with several parent
ids, which is what our models keep too.

Then, table after table in the order of their references, each record is checked: the
required fields and types of the HSDS schema, UUIDs, enumerations, coordinates, our
models' `full_clean` and constraints, and its references (a service's organization, a
service at location's service and location…). A valid record is compared with what the
directory holds and counted created, updated or unchanged; an invalid one is reported
with its reason and left out, and so is what depends on it. A reference that a record
can do without (a location's organization, a phone's location when it also has a
service) is dropped with a note instead. Everything valid is written in one
transaction: an error or an interruption leaves the directory as it was.

The record is the state: a field an imported record leaves out is emptied (except the
address details of a confidential location, which our own export leaves out on
purpose). Texts are written into the source language's columns, or into the columns of
the language a record names (`"language": "en"`), and the other languages'
translations are left alone. The portal's HSDS profile is read back as
services/hsds.py writes it: attributes of the "Needs" taxonomy become the service's
needs, those of the profile taxonomy its booleans, and a schedule tagged with the
closure term becomes a Closure.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import slugify
from modeltranslation.translator import NotRegistered, translator

from portal.accounts.models import Organisation
from services import search
from services.hsds import (
    CLOSED_DESCRIPTION,
    CLOSURE_CODE,
    NEEDS_TAXONOMY_NAME,
    PROFILE_CODES,
    PROFILE_TAXONOMY_NAME,
)
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

Progress = Callable[[int, int], None]

# The tables the portal keeps, in the order they are checked and written (a record's
# references come before it). "closure" is not an HSDS table: a schedule tagged with the
# profile's closure term is counted there.
TABLES: tuple[str, ...] = (
    "taxonomy",
    "taxonomy_term",
    "organization",
    "service",
    "location",
    "service_at_location",
    "address",
    "accessibility",
    "phone",
    "contact",
    "language",
    "schedule",
    "closure",
    "required_document",
    "cost_option",
    "attribute",
)
READ_TABLES = tuple(table for table in TABLES if table != "closure")
# HSDS tables the portal has no use for: read, counted and skipped.
NOT_KEPT: tuple[str, ...] = (
    "funding",
    "program",
    "service_area",
    "metadata",
    "meta_table_description",
    "organization_identifier",
)

STRING, NUMBER, DATE, TIME, DATETIME, UUID = "string", "number", "date", "time", "datetime", "uuid"

# The fields of each HSDS 3.0 table with their types (schema/*.json).
FIELDS: dict[str, dict[str, str]] = {
    "taxonomy": {"id": UUID, "name": STRING, "description": STRING, "uri": STRING,
                 "version": STRING},
    "taxonomy_term": {"id": UUID, "code": STRING, "name": STRING, "description": STRING,
                      "parent_id": UUID, "taxonomy": STRING, "language": STRING,
                      "taxonomy_id": UUID, "term_uri": STRING},
    "organization": {"id": UUID, "name": STRING, "alternate_name": STRING,
                     "description": STRING, "email": STRING, "website": STRING,
                     "tax_status": STRING, "tax_id": STRING, "year_incorporated": NUMBER,
                     "legal_status": STRING, "logo": STRING, "uri": STRING,
                     "parent_organization_id": UUID},
    "service": {"id": UUID, "organization_id": UUID, "program_id": UUID, "name": STRING,
                "alternate_name": STRING, "description": STRING, "url": STRING,
                "email": STRING, "status": STRING, "interpretation_services": STRING,
                "application_process": STRING, "fees_description": STRING,
                "wait_time": STRING, "fees": STRING, "accreditations": STRING,
                "eligibility_description": STRING, "minimum_age": NUMBER,
                "maximum_age": NUMBER, "assured_date": DATE, "assurer_email": STRING,
                "licenses": STRING, "alert": STRING, "last_modified": DATETIME},
    "location": {"id": UUID, "location_type": STRING, "url": STRING,
                 "organization_id": UUID, "name": STRING, "alternate_name": STRING,
                 "description": STRING, "transportation": STRING, "latitude": NUMBER,
                 "longitude": NUMBER, "external_identifier": STRING,
                 "external_identifier_type": STRING},
    "service_at_location": {"id": UUID, "service_id": UUID, "location_id": UUID,
                            "description": STRING},
    "address": {"id": UUID, "location_id": UUID, "attention": STRING, "address_1": STRING,
                "address_2": STRING, "city": STRING, "region": STRING,
                "state_province": STRING, "postal_code": STRING, "country": STRING,
                "address_type": STRING},
    "accessibility": {"id": UUID, "location_id": UUID, "description": STRING,
                      "details": STRING, "url": STRING},
    "phone": {"id": UUID, "location_id": UUID, "service_id": UUID, "organization_id": UUID,
              "contact_id": UUID, "service_at_location_id": UUID, "number": STRING,
              "extension": NUMBER, "type": STRING, "description": STRING},
    "contact": {"id": UUID, "organization_id": UUID, "service_id": UUID,
                "service_at_location_id": UUID, "location_id": UUID, "name": STRING,
                "title": STRING, "department": STRING, "email": STRING},
    "language": {"id": UUID, "service_id": UUID, "location_id": UUID, "phone_id": UUID,
                 "name": STRING, "code": STRING, "note": STRING},
    "schedule": {"id": UUID, "service_id": UUID, "location_id": UUID,
                 "service_at_location_id": UUID, "valid_from": DATE, "valid_to": DATE,
                 "dtstart": DATE, "timezone": NUMBER, "until": DATE, "count": NUMBER,
                 "wkst": STRING, "freq": STRING, "interval": NUMBER, "byday": STRING,
                 "byweekno": STRING, "bymonthday": STRING, "byyearday": STRING,
                 "description": STRING, "opens_at": TIME, "closes_at": TIME,
                 "schedule_link": STRING, "attending_type": STRING, "notes": STRING},
    "required_document": {"id": UUID, "service_id": UUID, "document": STRING, "uri": STRING},
    "cost_option": {"id": UUID, "service_id": UUID, "valid_from": DATE, "valid_to": DATE,
                    "option": STRING, "currency": STRING, "amount": NUMBER,
                    "amount_description": STRING},
    "attribute": {"id": UUID, "link_id": UUID, "taxonomy_term_id": UUID, "link_type": STRING,
                  "link_entity": STRING, "value": STRING},
}  # fmt: skip

# Required fields of the HSDS schema (besides id, which every record needs).
REQUIRED: dict[str, tuple[str, ...]] = {
    "taxonomy": ("name", "description"),
    "taxonomy_term": ("name", "description"),
    "organization": ("name", "description"),
    "service": ("name", "status"),
    "location": ("location_type",),
    "address": ("address_1", "city", "state_province", "postal_code", "country",
                "address_type"),
    "phone": ("number",),
}  # fmt: skip

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "service": {"status": tuple(Service.Status.values)},
    "location": {"location_type": tuple(Location.LocationType.values)},
    "address": {"address_type": tuple(Address.AddressType.values)},
    "schedule": {"freq": tuple(Schedule.Frequency.values), "wkst": WEEKDAYS},
}

# HSDS field -> model field, for the fields the portal keeps (references apart).
COLUMNS: dict[str, dict[str, str]] = {
    "taxonomy": {"name": "name", "description": "description", "uri": "uri",
                 "version": "version"},
    "taxonomy_term": {"code": "code", "name": "name", "description": "description",
                      "term_uri": "term_uri"},
    "organization": {"name": "name", "description": "description", "email": "email",
                     "website": "website"},
    "service": {"name": "name", "alternate_name": "alternate_name",
                "description": "description", "url": "url", "email": "email",
                "status": "status", "interpretation_services": "interpretation_services",
                "application_process": "application_process",
                "fees_description": "fees_description", "wait_time": "wait_time",
                "accreditations": "accreditations", "licenses": "licenses",
                "eligibility_description": "eligibility_description",
                "minimum_age": "minimum_age", "maximum_age": "maximum_age", "alert": "alert",
                "assured_date": "last_assured_date"},
    "location": {"location_type": "location_type", "url": "url", "name": "name",
                 "alternate_name": "alternate_name", "description": "description",
                 "transportation": "transportation", "latitude": "latitude",
                 "longitude": "longitude", "external_identifier": "external_identifier",
                 "external_identifier_type": "external_identifier_type"},
    "service_at_location": {"description": "description"},
    "address": {"attention": "attention", "address_1": "address_1", "address_2": "address_2",
                "city": "city", "region": "region", "state_province": "state_province",
                "postal_code": "postal_code", "country": "country",
                "address_type": "address_type"},
    "accessibility": {"description": "description", "details": "details", "url": "url"},
    "phone": {"number": "number", "extension": "extension", "type": "type",
              "description": "description"},
    "contact": {"name": "name", "title": "title", "department": "department",
                "email": "email"},
    "language": {"name": "name", "code": "code", "note": "note"},
    "schedule": {key: key for key in (
        "valid_from", "valid_to", "dtstart", "timezone", "until", "count", "wkst", "freq",
        "interval", "byday", "byweekno", "bymonthday", "byyearday", "description", "opens_at",
        "closes_at", "schedule_link", "attending_type", "notes")},
    "required_document": {"document": "document", "uri": "uri"},
    "cost_option": {"valid_from": "valid_from", "valid_to": "valid_to", "option": "option",
                    "currency": "currency", "amount": "amount",
                    "amount_description": "amount_description"},
    "attribute": {"link_type": "link_type", "link_entity": "link_entity", "value": "value"},
}  # fmt: skip

MODELS: dict[str, type[models.Model]] = {
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "organization": Organisation,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "accessibility": Accessibility,
    "phone": Phone,
    "contact": Contact,
    "language": Language,
    "schedule": Schedule,
    "closure": Closure,
    "required_document": RequiredDocument,
    "cost_option": CostOption,
    "attribute": Attribute,
}

# How records nest (schema/compiled/*.json): parent table -> key -> (child table, link).
# "down": the child gets link = the parent's id; "up": the parent gets link = the child's.
DOWN, UP = "down", "up"
CHILDREN: dict[str, dict[str, tuple[str, str, str]]] = {
    "organization": {
        "services": ("service", DOWN, "organization_id"),
        "locations": ("location", DOWN, "organization_id"),
        "contacts": ("contact", DOWN, "organization_id"),
        "phones": ("phone", DOWN, "organization_id"),
    },
    "service": {
        "organization": ("organization", UP, "organization_id"),
        "phones": ("phone", DOWN, "service_id"),
        "schedules": ("schedule", DOWN, "service_id"),
        "service_at_locations": ("service_at_location", DOWN, "service_id"),
        "languages": ("language", DOWN, "service_id"),
        "cost_options": ("cost_option", DOWN, "service_id"),
        "required_documents": ("required_document", DOWN, "service_id"),
        "contacts": ("contact", DOWN, "service_id"),
    },
    "service_at_location": {
        "service": ("service", UP, "service_id"),
        "location": ("location", UP, "location_id"),
        "contacts": ("contact", DOWN, "service_at_location_id"),
        "phones": ("phone", DOWN, "service_at_location_id"),
        "schedules": ("schedule", DOWN, "service_at_location_id"),
    },
    "location": {
        "languages": ("language", DOWN, "location_id"),
        "addresses": ("address", DOWN, "location_id"),
        "contacts": ("contact", DOWN, "location_id"),
        "accessibility": ("accessibility", DOWN, "location_id"),
        "phones": ("phone", DOWN, "location_id"),
        "schedules": ("schedule", DOWN, "location_id"),
    },
    "contact": {"phones": ("phone", DOWN, "contact_id")},
    "phone": {"languages": ("language", DOWN, "phone_id")},
    "attribute": {"taxonomy_term": ("taxonomy_term", UP, "taxonomy_term_id")},
    "taxonomy_term": {"taxonomy_detail": ("taxonomy", UP, "taxonomy_id")},
}
NESTED_NOT_KEPT = {
    "funding": "funding",
    "programs": "program",
    "program": "program",
    "service_areas": "service_area",
    "organization_identifiers": "organization_identifier",
    "metadata": "metadata",
}

# ISO 639-2/3 codes of the languages a record may name, to the portal's codes.
ISO_639_3 = {
    "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ara": "ar", "fas": "fa",
    "per": "fa", "ukr": "uk", "tir": "ti", "pus": "ps", "prs": "prs", "som": "so",
    "wol": "wo",
}  # fmt: skip

UUID_PATTERN = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
FALSE_VALUES = {"false", "0", "no", "n", "off"}
BATCH = 500


class HsdsImportError(Exception):
    """Nothing could be read: the path is missing or holds no HSDS file."""


@dataclass(frozen=True)
class Rejection:
    """A record left out (or, among the notes, something worth knowing about one)."""

    file: str
    position: str  # "row 3" in a CSV file, "$[0].phones[1]" in a JSON file
    id: str
    reason: str
    table: str = ""

    def __str__(self) -> str:
        where = f"{self.file} {self.position}".strip()
        what = f"{self.table} {self.id}".strip()
        return f"{where}: {what}: {self.reason}" if what else f"{where}: {self.reason}"


@dataclass
class TableCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    tables: dict[str, TableCount] = field(
        default_factory=lambda: {table: TableCount() for table in TABLES}
    )
    rejected: list[Rejection] = field(default_factory=list)
    notes: list[Rejection] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    records_read: int = 0  # every occurrence, before merging repeated ids

    @property
    def created(self) -> int:
        return sum(count.created for count in self.tables.values())

    @property
    def updated(self) -> int:
        return sum(count.updated for count in self.tables.values())

    @property
    def unchanged(self) -> int:
        return sum(count.unchanged for count in self.tables.values())

    def count(self, table: str) -> TableCount:
        return self.tables[table]


class _InvalidRecordError(Exception):
    """A record is not valid; the message is the reason reported."""


@dataclass
class _Record:
    table: str
    key: str  # the normalised UUID
    data: dict[str, Any]
    file: str
    position: str
    language: str | None = None  # the hint the record (or its parent) carries
    attributes_known: bool = False  # a service whose attributes the import states
    entity: str | None = None  # an attribute's linked table, from where it is nested
    # Set while checking attributes:
    kind: str = ""  # need, profile, closure or other
    term: uuid.UUID | None = None
    link: uuid.UUID | None = None
    problem: str = ""
    # The first mention whose values are not of the HSDS types: (file, position, reason).
    invalid: tuple[str, str, str] | None = None


def import_hsds(
    path: str | Path, *, progress: Progress | None = None, language: str | None = None
) -> ImportReport:
    """Import the HSDS directory at `path` (see the module's description).

    `language` is the language of texts whose record names none (by default the source
    language). `progress(done, total)` is called as records are checked and written.
    Raises HsdsImportError when the path is missing or holds no .json or .csv file.
    """
    source = language or settings.LANGUAGE_CODE
    if source not in _enabled():
        raise HsdsImportError(f"{source!r} is not one of the portal's languages")
    run = _Import(source=source, progress=progress)
    run.read(Path(path))
    if run.report.records_read:
        run.write()
    return run.report


# --- Small helpers ----------------------------------------------------------------------------


def _enabled() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _table_of_name(name: str) -> str | None:
    """The table a file, resource or key is named after (organizations.csv, service_full)."""
    stem = name.lower().strip()
    for suffix in (".json", ".csv"):
        stem = stem.removesuffix(suffix)
    for suffix in ("_full", "_list"):
        stem = stem.removesuffix(suffix)
    known = (*READ_TABLES, *NOT_KEPT)
    candidates = [stem]
    if stem.endswith("ies"):
        candidates.append(stem[:-3] + "y")
    if stem.endswith("es"):
        candidates.append(stem[:-2])
    if stem.endswith("s"):
        candidates.append(stem[:-1])
    return next((candidate for candidate in candidates if candidate in known), None)


def _table_of_shape(obj: object) -> str | None:
    """The table an object of a file that is not named after one looks like."""
    if not isinstance(obj, dict):
        return None
    keys = set(obj)
    if isinstance(obj.get("location"), dict) or isinstance(obj.get("service"), dict):
        return "service_at_location"
    if keys & {"status", "service_at_locations"}:
        return "service"
    if "location_type" in keys:
        return "location"
    if keys & {"taxonomy_detail", "term_uri", "parent_id", "taxonomy_id"}:
        return "taxonomy_term"
    if keys & {"website", "locations", "services", "year_incorporated", "legal_status",
               "tax_status", "parent_organization_id"}:  # fmt: skip
        return "organization"
    if "address_1" in keys:
        return "address"
    if "number" in keys:
        return "phone"
    if keys & {"taxonomy_term_id", "link_id"}:
        return "attribute"
    if "name" in keys and keys <= {"id", "name", "description", "uri", "version", "metadata"}:
        return "taxonomy"
    return None


def _is_uuid(value: object) -> bool:
    return isinstance(value, str) and bool(UUID_PATTERN.match(value.strip()))


def _key(value: object) -> str:
    return str(uuid.UUID(str(value).strip()))


def _empty(value: object) -> bool:
    return value is None or value == ""


def _number_from_text(text: str) -> object:
    """A CSV cell of a number column as a number (or the text, which checking refuses)."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        number = float(stripped)
    except ValueError:
        return text
    return number if number == number and abs(number) != float("inf") else text


def _portal_language(hint: object) -> str | None:
    """The portal's code for a language a record names (en, eng, en-GB…), if enabled."""
    if not isinstance(hint, str) or not hint.strip():
        return None
    code = hint.strip().lower().replace("_", "-")
    base = ISO_639_3.get(code.split("-")[0], code.split("-")[0])
    enabled = _enabled()
    if code in enabled:
        return code
    return base if base in enabled else None


def _same(first: object, second: object) -> bool:
    if _empty(first) and _empty(second):
        return True
    return first == second


def _translated(model: type[models.Model]) -> set[str]:
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:  # a model without translated fields
        return set()
    return set(options.fields)


def _column(name: str, language: str) -> str:
    return f"{name}_{language.replace('-', '_')}"


def _validation_messages(error: ValidationError, names: dict[str, str]) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(str(message) for message in error.messages)
    parts = []
    for name, errors in error.message_dict.items():
        text = " ".join(str(message) for message in errors)
        label = names.get(name, name)
        parts.append(text if name == "__all__" else f"{label}: {text}")
    return "; ".join(parts)


# --- The import ---------------------------------------------------------------------------


class _Import:
    def __init__(self, *, source: str, progress: Progress | None) -> None:
        self.source = source
        self.progress = progress
        self.report = ImportReport()
        self.records: dict[str, dict[str, _Record]] = {table: {} for table in READ_TABLES}
        self.not_kept: Counter[str] = Counter()
        self.rejected_ids: dict[str, set[str]] = defaultdict(set)
        # Accepted records by table and key: the value their references store.
        self.accepted: dict[str, dict[str, Any]] = defaultdict(dict)
        self.in_database: dict[str, dict[str, Any]] = defaultdict(dict)
        self.looked_up: dict[str, set[str]] = defaultdict(set)
        self.to_create: dict[str, list[models.Model]] = defaultdict(list)
        self.to_update: dict[str, list[tuple[models.Model, list[str]]]] = defaultdict(list)
        self.done = 0
        self.total = 0
        # Facts gathered along the way.
        self.taxonomy_names: dict[str, str] = {}  # accepted taxonomy key -> name
        self.term_facts: dict[str, tuple[str, str]] = {}  # term key -> (taxonomy name, code)
        self.sal_service: dict[str, uuid.UUID] = {}
        self.closure_schedules: set[str] = set()
        self.service_attributes: dict[str, list[_Record]] = defaultdict(list)
        self.needs_before: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        self.needs_after: dict[uuid.UUID, set[uuid.UUID]] = {}
        self.flags_before: dict[uuid.UUID, dict[str, bool]] = {}
        self.existing_closures: set[uuid.UUID] = set()
        self.last_modified: dict[uuid.UUID, datetime.datetime] = {}
        self.changed_services: set[uuid.UUID] = set()
        self.changed_organisations: set[int] = set()
        self.changed_terms: set[uuid.UUID] = set()

    # --- Reporting ---

    def reject(self, record: _Record, reason: str) -> None:
        self.rejected_ids[record.table].add(record.key)
        table = "closure" if record.kind == "closure" else record.table
        self.report.tables[table].rejected += 1
        file, position = record.file, record.position
        if record.invalid is not None and record.invalid[2] == reason:
            file, position = record.invalid[:2]
        self.report.rejected.append(Rejection(file, position, record.key, reason, record.table))

    def note(self, record: _Record, message: str) -> None:
        self.report.notes.append(
            Rejection(record.file, record.position, record.key, message, record.table)
        )

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    # --- Reading ---

    def read(self, path: Path) -> None:
        if not path.exists():
            raise HsdsImportError(f"{path} does not exist")
        if path.is_file() and path.name == "datapackage.json":
            path = path.parent
        if path.is_file():
            files, root = [path], path.parent
        else:
            root = path
            files = sorted(
                child
                for child in path.iterdir()
                if child.is_file() and child.suffix.lower() in (".json", ".csv")
            )
        if not files:
            raise HsdsImportError(f"{path} holds no HSDS file (.json or .csv)")
        resources = self._datapackage(root) if path.is_dir() else {}
        csv_tables = {
            child.name: resources.get(child.name) or _table_of_name(child.name)
            for child in files
            if child.suffix.lower() == ".csv"
        }
        attributes_in_csv = "attribute" in csv_tables.values()
        for child in files:
            name = child.name
            if name == "datapackage.json" and path.is_dir():
                continue
            self.report.files.append(name)
            if child.suffix.lower() == ".csv":
                self._read_csv(child, csv_tables[name], attributes_known=attributes_in_csv)
            else:
                self._read_json(child)
        for table, count in sorted(self.not_kept.items()):
            self.report.notes.append(
                Rejection(
                    "", "", "", f"{count} HSDS {table} record(s) skipped: the portal keeps none"
                )
            )

    def _datapackage(self, root: Path) -> dict[str, str]:
        """File name -> table, from datapackage.json when there is a readable one.

        A checkout without symbolic links has the file's target path as its content
        (the official examples/csv/datapackage.json): that path is followed.
        """
        package = root / "datapackage.json"
        if not package.is_file():
            return {}
        try:
            text = package.read_text(encoding="utf-8")
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                target = (root / text.strip()).resolve()
                data = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as error:
            self.report.notes.append(
                Rejection("datapackage.json", "", "", f"not read ({error}); files named by table")
            )
            return {}
        tables: dict[str, str] = {}
        for resource in data.get("resources", []) if isinstance(data, dict) else []:
            if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
                continue
            table = _table_of_name(str(resource.get("name", ""))) or _table_of_name(
                resource["path"]
            )
            if table:
                tables[Path(resource["path"]).name] = table
        return tables

    def _read_csv(self, path: Path, table: str | None, *, attributes_known: bool) -> None:
        name = path.name
        if table is None:
            self.report.notes.append(Rejection(name, "", "", "not an HSDS table; skipped"))
            return
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            self.report.rejected.append(Rejection(name, "", "", f"not readable CSV: {error}"))
            return
        for index, row in enumerate(rows):
            if table in NOT_KEPT:
                self.not_kept[table] += 1
                continue
            self.walk(
                table,
                self._typed_row(table, row),
                name,
                f"row {index + 2}",
                language=None,
                attributes_known=attributes_known,
            )

    @staticmethod
    def _typed_row(table: str, row: dict[str | None, Any]) -> dict[str, Any]:
        """A CSV row with empty cells of non-text columns as null and numbers parsed."""
        kinds = FIELDS.get(table, {})
        typed: dict[str, Any] = {}
        for column, value in row.items():
            if column is None or value is None:
                continue
            kind = kinds.get(column, STRING)
            if kind == STRING:
                typed[column] = value
            elif value.strip() == "":
                typed[column] = None
            elif kind == NUMBER:
                typed[column] = _number_from_text(value)
            else:
                typed[column] = value.strip()
        return typed

    def _read_json(self, path: Path) -> None:
        name = path.name
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            self.report.rejected.append(Rejection(name, "", "", f"not readable JSON: {error}"))
            return
        hint = _table_of_name(path.stem)
        if isinstance(data, dict) and data and all(str(key).endswith(".csv") for key in data):
            self._read_tabular_json(data, name)
            return
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            items, base = data["contents"], "$.contents"
        elif isinstance(data, list):
            items, base = data, "$"
        elif isinstance(data, dict) and "id" not in data and "openapi_url" in data:
            self.report.notes.append(Rejection(name, "", "", "the API's root, not a record"))
            return
        else:
            items, base = [data], ""
        for index, item in enumerate(items):
            position = f"{base}[{index}]" if base else "$"
            table = hint or _table_of_shape(item)
            if table in NOT_KEPT:
                self.not_kept[table] += 1
            elif table is None:
                self.report.rejected.append(
                    Rejection(name, position, "", "not recognisable as an HSDS record")
                )
            else:
                self.walk(table, item, name, position, language=None)

    def _read_tabular_json(self, data: dict[str, Any], name: str) -> None:
        """The tabular form as JSON ("organizations.csv": [rows…], as examples/tabular.json)."""
        tables = {key: _table_of_name(key) for key in data}
        attributes_known = "attribute" in tables.values()
        for key, rows in data.items():
            table = tables[key]
            if table is None:
                self.report.notes.append(Rejection(name, key, "", "not an HSDS table; skipped"))
                continue
            if not isinstance(rows, list):
                self.report.rejected.append(Rejection(name, key, "", "not a list of rows"))
                continue
            for index, row in enumerate(rows):
                if table in NOT_KEPT:
                    self.not_kept[table] += 1
                    continue
                self.walk(
                    table,
                    row,
                    name,
                    f"$['{key}'][{index}]",
                    language=None,
                    attributes_known=attributes_known,
                )

    def walk(
        self,
        table: str,
        obj: object,
        file: str,
        position: str,
        *,
        language: str | None,
        links: dict[str, str] | None = None,
        entity: str | None = None,
        attributes_known: bool = False,
    ) -> str | None:
        """Record `obj` and what it nests; return its id (as given when not a UUID)."""
        self.report.records_read += 1
        if not isinstance(obj, dict):
            self.report.rejected.append(Rejection(file, position, "", "not an object", table))
            self.report.tables[table].rejected += 1
            return None
        raw = obj.get("id")
        hint = obj.get("language") if isinstance(obj.get("language"), str) else language
        children = CHILDREN.get(table, {})
        data = {
            key: value
            for key, value in obj.items()
            if key not in children and key != "attributes" and key not in NESTED_NOT_KEPT
        }
        if links:
            data.update(links)
        if table == "attribute" and entity and _empty(data.get("link_entity")):
            data["link_entity"] = entity
        record: _Record | None = None
        if not isinstance(raw, str) or not raw.strip():
            reason = "id is missing" if _empty(raw) else "id must be a string"
            self.report.rejected.append(Rejection(file, position, "", reason, table))
            self.report.tables[table].rejected += 1
            parent_id = None
        elif not _is_uuid(raw):
            self.report.rejected.append(
                Rejection(file, position, raw, f"id {raw!r} is not a UUID", table)
            )
            self.report.tables[table].rejected += 1
            self.rejected_ids[table].add(raw.strip().lower())
            parent_id = raw
        else:
            parent_id = _key(raw)
            record = self._merge(table, parent_id, data, file, position, hint)
            record.attributes_known |= attributes_known or (
                table == "service" and obj.get("attributes") is not None
            )
            if entity and not record.entity:
                record.entity = entity
        for key, (child_table, direction, link) in children.items():
            value = obj.get(key)
            if value is None:
                continue
            child_position = f"{position}.{key}"
            if direction == UP:
                child_id = self.walk(child_table, value, file, child_position, language=hint)
                if record is not None and child_id and _empty(record.data.get(link)):
                    record.data[link] = child_id
                continue
            if not isinstance(value, list):
                self.report.rejected.append(
                    Rejection(file, child_position, "", "must be a list", child_table)
                )
                continue
            for index, child in enumerate(value):
                self.walk(
                    child_table,
                    child,
                    file,
                    f"{child_position}[{index}]",
                    language=hint,
                    links={link: parent_id} if parent_id else None,
                )
        for key, not_kept in NESTED_NOT_KEPT.items():
            value = obj.get(key)
            if value:
                self.not_kept[not_kept] += len(value) if isinstance(value, list) else 1
        attributes = obj.get("attributes")
        if table != "attribute" and isinstance(attributes, list):
            for index, attribute in enumerate(attributes):
                self.walk(
                    "attribute",
                    attribute,
                    file,
                    f"{position}.attributes[{index}]",
                    language=hint,
                    links={"link_id": parent_id} if parent_id else None,
                    entity=table,
                )
        return parent_id

    def _merge(
        self,
        table: str,
        key: str,
        data: dict[str, Any],
        file: str,
        position: str,
        language: str | None,
    ) -> _Record:
        """One record per id: a later mention adds to or replaces an earlier one's values,
        except that it does not empty a value another mention gave."""
        record = self.records[table].get(key)
        problem = self._types(table, data)
        if record is None:
            record = _Record(table, key, dict(data), file, position, language)
            self.records[table][key] = record
        else:
            differ = []
            for name, value in data.items():
                before = record.data.get(name)
                if _empty(value) and not _empty(before):
                    continue
                if not _empty(before) and before != value:
                    differ.append(name)
                record.data[name] = value
            if language:
                record.language = language
            if differ:
                self.report.notes.append(
                    Rejection(
                        file,
                        position,
                        key,
                        f"differs from an earlier mention, this one kept: {', '.join(differ)}",
                        table,
                    )
                )
        if problem and record.invalid is None:
            record.invalid = (file, position, problem)
        return record

    # --- Checking and writing ---

    def write(self) -> None:
        self.total = sum(len(records) for records in self.records.values())
        with transaction.atomic():
            self._taxonomies()
            self._terms()
            self._classify_attributes()
            self._organisations()
            self._services()
            self._locations()
            self._services_at_locations()
            self._simple("address", required_links={"location_id": "location"})
            self._simple("accessibility", required_links={"location_id": "location"})
            self._simple(
                "phone",
                optional_links={
                    "service_id": "service",
                    "location_id": "location",
                    "organization_id": "organization",
                    "service_at_location_id": "service_at_location",
                },
            )
            self._simple(
                "contact",
                optional_links={
                    "organization_id": "organization",
                    "service_id": "service",
                    "location_id": "location",
                    "service_at_location_id": "service_at_location",
                },
            )
            self._simple(
                "language",
                optional_links={
                    "service_id": "service",
                    "location_id": "location",
                    "phone_id": "phone",
                },
            )
            self._schedules()
            self._simple("required_document", required_links={"service_id": "service"})
            self._simple("cost_option", required_links={"service_id": "service"})
            self._attributes()
            self._needs()
            self._search()

    # References

    def _prefetch(self, table: str, keys: Iterable[str]) -> None:
        """Look up in the directory, in one query, the records of `table` with these ids."""
        wanted = {
            key
            for key in keys
            if key not in self.looked_up[table]
            and key not in self.accepted[table]
            and key not in self.records[table]
        }
        if not wanted:
            return
        self.looked_up[table] |= wanted
        found: Iterable[tuple[Any, Any]]
        if table == "organization":
            found = Organisation.objects.filter(hsds_id__in=wanted).values_list("hsds_id", "pk")
        else:
            model = MODELS[table]
            pks = model.objects.filter(pk__in=wanted).values_list("pk", flat=True)
            found = ((pk, pk) for pk in pks)
        for key, value in found:
            self.in_database[table][str(key)] = value

    def _prefetch_links(self, records: Iterable[_Record], links: dict[str, str]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for name, table in links.items():
                value = record.data.get(name)
                if _is_uuid(value):
                    wanted[table].add(_key(value))
        for table, keys in wanted.items():
            self._prefetch(table, keys)

    def resolve(self, table: str, value: object) -> tuple[Any, str]:
        """(what a reference to `table` stores, "") or (None, why it cannot)."""
        if _empty(value):
            return None, ""
        label = table.replace("_", " ")
        if not _is_uuid(value):
            if isinstance(value, str) and value.strip().lower() in self.rejected_ids[table]:
                return None, f"its {label} {value!r} was rejected"
            return None, f"{label} reference {value!r} is not a UUID"
        key = _key(value)
        if key in self.accepted[table]:
            return self.accepted[table][key], ""
        if key in self.rejected_ids[table]:
            return None, f"its {label} {key} was rejected"
        if key in self.records[table]:  # not checked yet: a term's broader term
            return None, f"its {label} {key} comes later"
        self._prefetch(table, [key])
        if key in self.in_database[table]:
            return self.in_database[table][key], ""
        return None, f"its {label} {key} is neither in the import nor in the directory"

    def _links(
        self,
        record: _Record,
        *,
        required: dict[str, str] | None = None,
        optional: dict[str, str] | None = None,
        at_least_one: bool = False,
    ) -> dict[str, Any]:
        """The references of a record: a required one that fails rejects it, an optional
        one that fails is dropped with a note."""
        resolved: dict[str, Any] = {}
        for name, table in (required or {}).items():
            value = record.data.get(name)
            if _empty(value):
                raise _InvalidRecordError(f"{name} is required")
            target, problem = self.resolve(table, value)
            if problem:
                raise _InvalidRecordError(problem)
            resolved[name] = target
        dropped = []
        for name, table in (optional or {}).items():
            target, problem = self.resolve(table, record.data.get(name))
            if problem:
                dropped.append(problem)
            elif target is not None:
                resolved[name] = target
        if at_least_one and not resolved:
            if dropped:
                raise _InvalidRecordError("; ".join(dropped))
            raise _InvalidRecordError(
                "not linked to any organization, service, location or service at location "
                "the portal keeps"
            )
        for problem in dropped:
            self.note(record, f"link left out: {problem}")
        return resolved

    # Values

    def _check(self, record: _Record) -> None:
        """Types, enumerations and required fields of the HSDS schema."""
        if record.invalid is not None:
            raise _InvalidRecordError(record.invalid[2])
        for name in REQUIRED.get(record.table, ()):
            if record.data.get(name) is None:
                raise _InvalidRecordError(f"{name} is required")

    def _types(self, table: str, data: dict[str, Any]) -> str:
        """Why the values of one mention of a record are not of the HSDS types ("" if they
        are): checked per mention, so that the report names the file at fault."""
        for name, kind in FIELDS.get(table, {}).items():
            value = data.get(name)
            if value is None or kind == UUID:
                continue  # references are checked when they are resolved
            if kind == STRING and not isinstance(value, str):
                return f"{name} must be a string, not {value!r}"
            if kind == NUMBER and (isinstance(value, bool) or not isinstance(value, int | float)):
                return f"{name} must be a number, not {value!r}"
            if kind in (DATE, TIME, DATETIME):
                try:
                    self._parse(name, value, kind)
                except _InvalidRecordError as error:
                    return str(error)
        for name, choices in ENUMS.get(table, {}).items():
            value = data.get(name)
            if value is not None and value not in choices:
                return f"{name} {value!r} is not one of: {', '.join(choices)}"
        return ""

    @staticmethod
    def _parse(name: str, value: object, kind: str) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise _InvalidRecordError(f"{name} must be a string, not {value!r}")
        try:
            if kind == DATE:
                return datetime.date.fromisoformat(value.strip())
            if kind == TIME:
                return datetime.time.fromisoformat(value.strip())
            moment = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            expected = {DATE: "a date (YYYY-MM-DD)", TIME: "a time (HH:MM)"}.get(
                kind, "a date and time"
            )
            raise _InvalidRecordError(f"{name} {value!r} is not {expected}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment

    def _values(self, record: _Record) -> dict[str, Any]:
        """Model field -> value for the fields of COLUMNS (an absent field is empty)."""
        model = MODELS[record.table]
        values: dict[str, Any] = {}
        for name, column in COLUMNS[record.table].items():
            kind = FIELDS[record.table].get(name, STRING)
            value = record.data.get(name)
            model_field = model._meta.get_field(column)
            if kind in (DATE, TIME, DATETIME):
                values[column] = self._parse(name, value, kind)
            elif kind == NUMBER:
                values[column] = self._number(name, value, model_field)
            else:
                values[column] = "" if value is None else value
        return values

    @staticmethod
    def _number(name: str, value: object, model_field: models.Field) -> Any:
        if value is None:
            return "" if isinstance(model_field, models.CharField) else None
        assert isinstance(value, int | float)  # noqa: S101 - _check saw to it
        if isinstance(model_field, models.CharField):  # a phone extension
            return str(int(value)) if float(value).is_integer() else str(value)
        if isinstance(model_field, models.DecimalField):
            return decimal.Decimal(str(value))
        if isinstance(model_field, models.FloatField):
            return float(value)
        if not float(value).is_integer():
            raise _InvalidRecordError(f"{name} must be a whole number, not {value!r}")
        return int(value)

    def _language(self, record: _Record) -> str:
        if record.language is None:
            return self.source
        language = _portal_language(record.language)
        if language is None:
            self.note(
                record,
                f"language {record.language!r} is not one of the portal's languages: "
                f"texts kept as {self.source}",
            )
            return self.source
        return language

    # Saving

    def _upsert(
        self,
        record: _Record,
        values: dict[str, Any],
        *,
        table: str | None = None,
        existing: models.Model | None,
        new: Callable[[], models.Model],
        keep_when_absent: Iterable[str] = (),
    ) -> tuple[models.Model, str]:
        """Check the record against the model and queue what changes: (the object,
        "created", "updated" or "unchanged"). Raises _InvalidRecordError."""
        table = table or record.table
        model = MODELS[table]
        translated = _translated(model)
        language = self._language(record) if translated else self.source
        columns: dict[str, Any] = {}
        names: dict[str, str] = {}
        for name, value in values.items():
            if name in translated:
                column = _column(name, language)
                if not model._meta.get_field(name).blank and _empty(value):
                    raise _InvalidRecordError(f"{name} must not be empty")
            else:
                column = name
            names[column] = name
            columns[column] = value
        if existing is not None:
            for name in keep_when_absent:
                column = _column(name, language) if name in translated else name
                if name not in record.data:
                    columns.pop(column, None)
        obj = existing if existing is not None else new()
        before = {column: getattr(obj, column) for column in columns}
        for column, value in columns.items():
            setattr(obj, column, value)
        if existing is None and language != self.source:
            # The source language is what every reader falls back to: a new record whose
            # texts come in another language gets them there too until it is translated.
            for name in translated & set(values):
                source_column = _column(name, self.source)
                if _empty(getattr(obj, source_column)):
                    setattr(obj, source_column, values[name])
        exclude = [
            model_field.name
            for model_field in model._meta.fields
            if model_field.is_relation or model_field.name in translated
        ]
        with translation.override("en"):
            try:
                obj.full_clean(exclude=exclude, validate_unique=False)
            except ValidationError as error:
                for column, value in before.items():
                    setattr(obj, column, value)
                raise _InvalidRecordError(_validation_messages(error, names)) from None
        if existing is None:
            self.to_create[table].append(obj)
            status = "created"
        else:
            changed = [column for column in columns if not _same(before[column], columns[column])]
            if changed:
                self.to_update[table].append((obj, changed))
            status = "updated" if changed else "unchanged"
        return obj, status

    def _count(self, table: str, status: str) -> None:
        count = self.report.tables[table]
        setattr(count, status, getattr(count, status) + 1)

    def _flush(self, table: str) -> None:
        model = MODELS[table]
        created = self.to_create.pop(table, [])
        for start in range(0, len(created), BATCH):
            model.objects.bulk_create(created[start : start + BATCH])
        has_timestamp = any(model_field.name == "updated_at" for model_field in model._meta.fields)
        for obj, changed in self.to_update.pop(table, []):
            obj.save(update_fields=[*changed, "updated_at"] if has_timestamp else changed)

    def _existing(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        model = MODELS[table]
        keys = list(keys)
        found: dict[str, Any] = {}
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            if table == "organization":
                for obj in Organisation.objects.filter(hsds_id__in=chunk):
                    found[str(obj.hsds_id)] = obj
            else:
                for obj in model.objects.filter(pk__in=chunk):
                    found[str(obj.pk)] = obj
        return found

    def _each(self, table: str, check: Callable[[_Record, Any], Any]) -> None:
        """Run `check(record, existing)` on every record of the table: an invalid record
        is rejected, what check returns is what references to the record store."""
        records = self.records[table]
        existing = self._existing(table, records)
        for record in records.values():
            try:
                self._check(record)
                self.accepted[table][record.key] = check(record, existing.get(record.key))
            except _InvalidRecordError as error:
                self.reject(record, str(error))
            self._tick()
        self._flush(table)

    # Tables

    def _taxonomies(self) -> None:
        def check(record: _Record, existing: Taxonomy | None) -> uuid.UUID:
            values = self._values(record)
            _obj, status = self._upsert(
                record,
                values,
                existing=existing,
                new=lambda: Taxonomy(pk=uuid.UUID(record.key)),
            )
            self._count("taxonomy", status)
            self.taxonomy_names[record.key] = values["name"]
            return uuid.UUID(record.key)

        self._each("taxonomy", check)

    def _terms(self) -> None:
        records = self.records["taxonomy_term"]
        self._prefetch_links(
            records.values(), {"taxonomy_id": "taxonomy", "parent_id": "taxonomy_term"}
        )
        existing = self._existing("taxonomy_term", records)
        codes: dict[tuple[str, str], str] = {}
        for record in self._broader_first(records):
            try:
                self._check(record)
                self.accepted["taxonomy_term"][record.key] = self._term(
                    record, existing.get(record.key), codes
                )
            except _InvalidRecordError as error:
                self.reject(record, str(error))
            self._tick()
        self._flush("taxonomy_term")
        # What attributes need to know of terms only the directory has.
        known = set(self.term_facts)
        wanted = {
            _key(record.data["taxonomy_term_id"])
            for record in self.records["attribute"].values()
            if _is_uuid(record.data.get("taxonomy_term_id"))
        } - known
        for pk, taxonomy_name, code in TaxonomyTerm.objects.filter(pk__in=wanted).values_list(
            "pk", "taxonomy__name", "code"
        ):
            self.term_facts[str(pk)] = (taxonomy_name, code)
            self.in_database["taxonomy_term"][str(pk)] = pk
            self.looked_up["taxonomy_term"].add(str(pk))

    @staticmethod
    def _broader_first(records: dict[str, _Record]) -> list[_Record]:
        ordered: list[_Record] = []
        seen: set[str] = set()
        for record in records.values():
            chain = []
            current: _Record | None = record
            while current is not None and current.key not in seen:
                seen.add(current.key)
                chain.append(current)
                parent = current.data.get("parent_id")
                current = records.get(_key(parent)) if _is_uuid(parent) else None
            ordered.extend(reversed(chain))
        return ordered

    def _term(
        self,
        record: _Record,
        existing: TaxonomyTerm | None,
        codes: dict[tuple[str, str], str],
    ) -> uuid.UUID:
        data = record.data
        if not _empty(data.get("taxonomy_id")):
            taxonomy, problem = self.resolve("taxonomy", data["taxonomy_id"])
            if problem:
                raise _InvalidRecordError(problem)
        else:
            taxonomy = self._taxonomy_named(data.get("taxonomy"))
        parent = None
        if not _empty(data.get("parent_id")):
            parent, problem = self.resolve("taxonomy_term", data["parent_id"])
            if problem:
                self.note(record, f"broader term left out: {problem}")
                parent = None
            elif str(parent) == record.key:
                raise _InvalidRecordError("a term cannot be its own broader term")
        values = self._values(record)
        if _empty(values["code"]):
            values["code"] = slugify(str(values["name"]))[:100]
            if not values["code"]:
                raise _InvalidRecordError("code is missing and cannot be made from the name")
        values["taxonomy_id"] = taxonomy
        values["parent_id"] = parent
        taxonomy_key = str(taxonomy)
        pair = (taxonomy_key, values["code"])
        other = codes.get(pair)
        if other is None:
            # A term of the directory with this code, unless the import gives it another.
            in_database = (
                TaxonomyTerm.objects.filter(taxonomy_id=taxonomy, code=values["code"])
                .exclude(pk=record.key)
                .values_list("pk", flat=True)
                .first()
            )
            if in_database is not None and str(in_database) not in self.records["taxonomy_term"]:
                other = str(in_database)
        if other is not None and other != record.key:
            raise _InvalidRecordError(
                f"code {values['code']!r} is already the code of term {other}"
            )
        _obj, status = self._upsert(
            record,
            values,
            existing=existing,
            new=lambda: TaxonomyTerm(pk=uuid.UUID(record.key)),
        )
        self._count("taxonomy_term", status)
        if status != "unchanged":
            self.changed_terms.add(uuid.UUID(record.key))
        codes[(taxonomy_key, values["code"])] = record.key
        taxonomy_name = self.taxonomy_names.get(taxonomy_key)
        if taxonomy_name is None:
            taxonomy_name = Taxonomy.objects.filter(pk=taxonomy).values_list("name", flat=True)[0]
            self.taxonomy_names[taxonomy_key] = taxonomy_name
        self.term_facts[record.key] = (taxonomy_name, values["code"])
        return uuid.UUID(record.key)

    def _taxonomy_named(self, name: object) -> uuid.UUID:
        if not isinstance(name, str) or not name.strip():
            raise _InvalidRecordError("taxonomy_id is required (the term names no taxonomy)")
        for key, known in self.taxonomy_names.items():
            if known == name and key in self.accepted["taxonomy"]:
                return uuid.UUID(key)
        found = Taxonomy.objects.filter(name=name).order_by("created_at").first()
        if found is None:
            raise _InvalidRecordError(f"no taxonomy_id, and no taxonomy is named {name!r}")
        self.taxonomy_names[str(found.pk)] = found.name
        return found.pk

    def _classify_attributes(self) -> None:
        """What each attribute is for: a need or a profile boolean of a service, a closure,
        or anything else (kept as an Attribute row). Invalid ones are rejected later."""
        for record in self.records["attribute"].values():
            data = record.data
            try:
                self._check(record)
                term, problem = self.resolve("taxonomy_term", data.get("taxonomy_term_id"))
                if problem or term is None:
                    raise _InvalidRecordError(problem or "taxonomy_term_id is required")
                if _empty(data.get("link_id")):
                    raise _InvalidRecordError("link_id is required")
                if not _is_uuid(data["link_id"]):
                    raise _InvalidRecordError(f"link_id {data['link_id']!r} is not a UUID")
            except _InvalidRecordError as error:
                record.problem = str(error)
                continue
            record.term = term
            record.link = uuid.UUID(_key(data["link_id"]))
            entity = record.entity or _table_of_name(str(data.get("link_entity") or ""))
            taxonomy_name, code = self.term_facts.get(str(term), ("", ""))
            value = str(data.get("value") or "").strip().lower()
            record.kind = _attribute_kind(entity, taxonomy_name, code, value)
            if record.kind == "closure":
                self.closure_schedules.add(str(record.link))
            if record.kind in ("need", "profile"):
                self.service_attributes[str(record.link)].append(record)

    def _organisations(self) -> None:
        slugs_taken: set[str] = set()

        def unique_slug(name: str) -> str:
            base = slugify(name)[:40].strip("-") or "organisation"
            taken = slugs_taken | set(
                Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True)
            )
            slug, number = base, 1
            while slug in taken:
                number += 1
                slug = f"{base}-{number}"
            slugs_taken.add(slug)
            return slug

        def check(record: _Record, existing: Organisation | None) -> Organisation:
            values = self._values(record)
            obj, status = self._upsert(
                record,
                values,
                existing=existing,
                new=lambda: Organisation(
                    hsds_id=uuid.UUID(record.key), slug=unique_slug(str(values["name"]))
                ),
            )
            self._count("organization", status)
            if status == "updated":
                self.changed_organisations.add(obj.pk)
            return obj

        self._each("organization", check)
        # References to an organisation store its primary key, known once it is saved.
        accepted = self.accepted["organization"]
        for key, obj in accepted.items():
            accepted[key] = obj.pk

    def _services(self) -> None:
        records = self.records["service"]
        self._prefetch_links(records.values(), {"organization_id": "organization"})
        keys = [uuid.UUID(key) for key in records]
        through = Service.needs.through
        for service_id, term_id in through.objects.filter(service_id__in=keys).values_list(
            "service_id", "taxonomyterm_id"
        ):
            self.needs_before[service_id].add(term_id)

        def check(record: _Record, existing: Service | None) -> uuid.UUID:
            links = self._links(record, required={"organization_id": "organization"})
            values = self._values(record)
            values["organisation_id"] = links["organization_id"]
            pk = uuid.UUID(record.key)
            flags, needs = self._profile(record, existing)
            values.update(flags)
            self.flags_before[pk] = {
                code: bool(existing and getattr(existing, code)) for code in PROFILE_CODES
            }
            _obj, status = self._upsert(
                record, values, existing=existing, new=lambda: Service(pk=pk)
            )
            if needs != self.needs_before.get(pk, set()):
                self.needs_after[pk] = needs
                if status == "unchanged":
                    # Only the needs changed: that is an update of the service too.
                    assert existing is not None  # noqa: S101 - unchanged means it exists
                    self.to_update["service"].append((existing, []))
                    status = "updated"
            self._count("service", status)
            if status != "unchanged":
                self.changed_services.add(pk)
            last_modified = self._parse("last_modified", record.data.get("last_modified"), DATETIME)
            if existing is None and last_modified is not None:
                self.last_modified[pk] = last_modified
            return pk

        self._each("service", check)
        if self.last_modified:
            # An imported service keeps the time it was last modified at its source.
            changed = []
            for pk, moment in self.last_modified.items():
                service = Service(pk=pk)
                service.updated_at = moment
                changed.append(service)
            Service.objects.bulk_update(changed, ["updated_at"], batch_size=BATCH)

    def _profile(
        self, record: _Record, existing: Service | None
    ) -> tuple[dict[str, bool], set[uuid.UUID]]:
        """The profile booleans and needs a service gets from its attributes: those it
        states when the import gives its attributes, else what it had plus those named."""
        pk = uuid.UUID(record.key)
        before = self.needs_before.get(pk, set())
        attributes = [
            item for item in self.service_attributes.get(record.key, []) if not item.problem
        ]
        if record.attributes_known:
            flags = dict.fromkeys(PROFILE_CODES, False)
            needs: set[uuid.UUID] = set()
        else:
            flags = {}
            needs = set(before)
        for attribute in attributes:
            assert attribute.term is not None  # noqa: S101 - classified
            if attribute.kind == "need":
                needs.add(attribute.term)
            else:
                code = self.term_facts[str(attribute.term)][1]
                value = str(attribute.data.get("value") or "").strip().lower()
                flags[code] = value not in FALSE_VALUES
        return flags, needs

    def _locations(self) -> None:
        records = self.records["location"]
        self._prefetch_links(records.values(), {"organization_id": "organization"})

        def check(record: _Record, existing: Location | None) -> uuid.UUID:
            data = record.data
            for name, limit in (("latitude", 90), ("longitude", 180)):
                value = data.get(name)
                if isinstance(value, int | float) and not -limit <= value <= limit:
                    raise _InvalidRecordError(f"{name} {value} is outside -{limit}..{limit}")
            if (data.get("latitude") is None) != (data.get("longitude") is None):
                raise _InvalidRecordError("latitude and longitude go together")
            links = self._links(record, optional={"organization_id": "organization"})
            values = self._values(record)
            values["organisation_id"] = links.get("organization_id")
            pk = uuid.UUID(record.key)
            keep = ()
            if existing is not None and existing.is_confidential:
                # Our export leaves a confidential place's whereabouts out on purpose.
                keep = ("latitude", "longitude", "transportation")
            _obj, status = self._upsert(
                record,
                values,
                existing=existing,
                new=lambda: Location(pk=pk),
                keep_when_absent=keep,
            )
            self._count("location", status)
            return pk

        self._each("location", check)

    def _services_at_locations(self) -> None:
        records = self.records["service_at_location"]
        links = {"service_id": "service", "location_id": "location"}
        self._prefetch_links(records.values(), links)
        pairs: dict[tuple[Any, Any], str] = {}
        service_ids = {
            _key(record.data["service_id"])
            for record in records.values()
            if _is_uuid(record.data.get("service_id"))
        }
        for pk, service_id, location_id in ServiceAtLocation.objects.filter(
            service_id__in=service_ids
        ).values_list("pk", "service_id", "location_id"):
            if str(pk) not in records:
                pairs[(service_id, location_id)] = str(pk)

        def check(record: _Record, existing: ServiceAtLocation | None) -> uuid.UUID:
            resolved = self._links(record, required=links)
            pair = (resolved["service_id"], resolved["location_id"])
            if pairs.get(pair, record.key) != record.key:
                raise _InvalidRecordError(
                    f"service at location {pairs[pair]} already joins this service and location"
                )
            values = self._values(record)
            values["service_id"], values["location_id"] = pair
            pk = uuid.UUID(record.key)
            _obj, status = self._upsert(
                record, values, existing=existing, new=lambda: ServiceAtLocation(pk=pk)
            )
            self._count("service_at_location", status)
            pairs[pair] = record.key
            self.sal_service[record.key] = resolved["service_id"]
            return pk

        self._each("service_at_location", check)

    def _simple(
        self,
        table: str,
        *,
        required_links: dict[str, str] | None = None,
        optional_links: dict[str, str] | None = None,
    ) -> None:
        """A table whose records are their fields and references to records before them."""
        records = self.records[table]
        model = MODELS[table]
        self._prefetch_links(records.values(), {**(required_links or {}), **(optional_links or {})})

        def check(record: _Record, existing: models.Model | None) -> uuid.UUID:
            links = self._links(
                record,
                required=required_links,
                optional=optional_links,
                at_least_one=bool(optional_links),
            )
            values = self._values(record)
            for name in {**(required_links or {}), **(optional_links or {})}:
                values[_MODEL_LINKS[name]] = links.get(name)
            pk = uuid.UUID(record.key)
            _obj, status = self._upsert(record, values, existing=existing, new=lambda: model(pk=pk))
            self._count(table, status)
            return pk

        self._each(table, check)

    def _schedules(self) -> None:
        records = self.records["schedule"]
        closures = {key: records.pop(key) for key in list(records) if key in self.closure_schedules}
        for record in closures.values():
            record.kind = "closure"
        self._simple(
            "schedule",
            optional_links={
                "service_id": "service",
                "location_id": "location",
                "service_at_location_id": "service_at_location",
            },
        )
        records.update(closures)
        self._prefetch_links(
            closures.values(),
            {"service_id": "service", "service_at_location_id": "service_at_location"},
        )
        existing = self._existing("closure", closures)
        self.existing_closures = {uuid.UUID(key) for key in existing}
        for record in closures.values():
            try:
                self._check(record)
                self.accepted["schedule"][record.key] = self._closure(
                    record, existing.get(record.key)
                )
            except _InvalidRecordError as error:
                self.reject(record, str(error))
            self._tick()
        self._flush("closure")

    def _closure(self, record: _Record, existing: Closure | None) -> uuid.UUID:
        data = record.data
        service, problem = self.resolve("service", data.get("service_id"))
        if service is None:
            sal, sal_problem = self.resolve(
                "service_at_location", data.get("service_at_location_id")
            )
            if sal is not None:
                service = (
                    self.sal_service.get(str(sal))
                    or ServiceAtLocation.objects.filter(pk=sal)
                    .values_list("service_id", flat=True)
                    .first()
                )
            problem = problem or sal_problem
        if service is None:
            raise _InvalidRecordError(
                problem or "a closure needs the service it closes (service_id)"
            )
        starts_on = self._parse("valid_from", data.get("valid_from"), DATE) or self._parse(
            "dtstart", data.get("dtstart"), DATE
        )
        if starts_on is None:
            raise _InvalidRecordError("a closure needs its first day (valid_from)")
        ends_on = (
            self._parse("valid_to", data.get("valid_to"), DATE)
            or self._parse("until", data.get("until"), DATE)
            or starts_on
        )
        description = str(data.get("description") or "").strip()
        if description == CLOSED_DESCRIPTION:
            reason = ""
        elif description.startswith(f"{CLOSED_DESCRIPTION}:"):
            reason = description[len(CLOSED_DESCRIPTION) + 1 :].strip()
        else:
            reason = description
        pk = uuid.UUID(record.key)
        _obj, status = self._upsert(
            record,
            {"service_id": service, "starts_on": starts_on, "ends_on": ends_on, "reason": reason},
            table="closure",
            existing=existing,
            new=lambda: Closure(pk=pk),
        )
        self._count("closure", status)
        return pk

    def _attributes(self) -> None:
        records = self.records["attribute"]
        existing = self._existing("attribute", records)
        count = self.report.tables["attribute"]
        service_ids = {
            str(record.link) for record in records.values() if record.kind in ("need", "profile")
        }
        self._prefetch("service", service_ids)
        for record in records.values():
            try:
                if record.problem:
                    raise _InvalidRecordError(record.problem)
                if record.kind in ("need", "profile"):
                    self._service_attribute(record, count)
                elif record.kind == "closure" and str(record.link) in self.records["schedule"]:
                    if str(record.link) in self.rejected_ids["schedule"]:
                        raise _InvalidRecordError(f"its schedule {record.link} was rejected")
                    if record.link in self.existing_closures:
                        count.unchanged += 1
                    else:
                        count.created += 1
                elif record.kind == "closure" and Closure.objects.filter(pk=record.link).exists():
                    count.unchanged += 1  # tags a closure the directory has
                else:
                    self._attribute_row(record, existing.get(record.key))
            except _InvalidRecordError as error:
                self.reject(record, str(error))
            self._tick()
        self._flush("attribute")

    def _service_attribute(self, record: _Record, count: TableCount) -> None:
        """A need or profile attribute: the service's field, not an Attribute row."""
        assert record.link is not None and record.term is not None  # noqa: S101
        key = str(record.link)
        if key in self.rejected_ids["service"]:
            raise _InvalidRecordError(f"its service {key} was rejected")
        if key not in self.accepted["service"]:
            if key not in self.in_database["service"]:
                self._attribute_row(record, Attribute.objects.filter(pk=record.key).first())
                return
            # A service of the directory that the import does not give: add to it.
            if record.kind == "need":
                needs = self.needs_after.setdefault(
                    record.link,
                    set(
                        Service.needs.through.objects.filter(service_id=record.link).values_list(
                            "taxonomyterm_id", flat=True
                        )
                    ),
                )
                self.needs_before.setdefault(record.link, set(needs))
                if record.term in needs:
                    count.unchanged += 1
                else:
                    needs.add(record.term)
                    count.created += 1
                return
            code = self.term_facts[str(record.term)][1]
            wanted = str(record.data.get("value") or "").strip().lower() not in FALSE_VALUES
            service = Service.objects.get(pk=record.link)
            if getattr(service, code) == wanted:
                count.unchanged += 1
            else:
                setattr(service, code, wanted)
                service.save(update_fields=[code, "updated_at"])
                self.changed_services.add(record.link)
                count.created += 1
            return
        if record.kind == "need":
            present = record.term in self.needs_before.get(record.link, set())
        else:
            code = self.term_facts[str(record.term)][1]
            present = self.flags_before.get(record.link, {}).get(code, False)
        if present:
            count.unchanged += 1
        else:
            count.created += 1

    def _attribute_row(self, record: _Record, existing: Attribute | None) -> None:
        values = self._values(record)
        if _empty(values["link_entity"]):
            raise _InvalidRecordError(
                "link_entity is required (the attribute names no linked table)"
            )
        entity = record.entity or _table_of_name(str(values["link_entity"]))
        if entity in READ_TABLES and str(record.link) in self.rejected_ids[entity]:
            raise _InvalidRecordError(f"its {entity.replace('_', ' ')} {record.link} was rejected")
        values["link_id"] = record.link
        values["taxonomy_term_id"] = record.term
        pk = uuid.UUID(record.key)
        _obj, status = self._upsert(record, values, existing=existing, new=lambda: Attribute(pk=pk))
        self._count("attribute", status)

    def _needs(self) -> None:
        through = Service.needs.through
        rows = []
        for service_id, needs in self.needs_after.items():
            before = self.needs_before.get(service_id, set())
            removed = before - needs
            if removed:
                through.objects.filter(service_id=service_id, taxonomyterm_id__in=removed).delete()
            rows += [
                through(service_id=service_id, taxonomyterm_id=term_id)
                for term_id in needs - before
            ]
            if needs != before:
                self.changed_services.add(service_id)
        through.objects.bulk_create(rows, batch_size=BATCH)

    def _search(self) -> None:
        ids = set(self.changed_services)
        if self.changed_organisations or self.changed_terms:
            ids |= set(
                Service.objects.filter(
                    Q(organisation_id__in=self.changed_organisations)
                    | Q(needs__in=self.changed_terms)
                ).values_list("pk", flat=True)
            )
        if ids:
            search.reindex(sorted(ids))
        if ids or self.changed_terms:
            search.vocabulary_rebuild()


def _attribute_kind(entity: str | None, taxonomy_name: str, code: str, value: str) -> str:
    """need, profile (a boolean of the service), closure (of a schedule) or other."""
    if entity == "service" and taxonomy_name == NEEDS_TAXONOMY_NAME:
        return "need"
    if entity == "service" and taxonomy_name == PROFILE_TAXONOMY_NAME and code in PROFILE_CODES:
        return "profile"
    closure = taxonomy_name == PROFILE_TAXONOMY_NAME and code == CLOSURE_CODE
    if entity == "schedule" and closure and value not in FALSE_VALUES:
        return "closure"
    return "other"


# A reference field of HSDS -> the model field it is stored in.
_MODEL_LINKS = {
    "service_id": "service_id",
    "location_id": "location_id",
    "organization_id": "organisation_id",
    "service_at_location_id": "service_at_location_id",
    "phone_id": "phone_id",
}
