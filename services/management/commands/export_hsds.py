"""manage.py export_hsds PATH: write the directory as HSDS 3.0 JSON files.

PATH (a folder, created if needed) receives organizations.json (each organization with
its contacts, phones, locations and services), services.json (every service fully
nested), taxonomies.json and taxonomy_terms.json. Texts are those of the source
language, the ones `import_hsds` writes back, so exporting, importing the files into an
empty directory and exporting again gives the same files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from services.hsds import (
    link_ids_of_organisations,
    link_ids_of_services,
    organization_to_hsds,
    organizations_queryset_for_hsds,
    profile_terms,
    service_to_hsds,
    services_queryset_for_hsds,
    stored_attributes,
    taxonomy_term_to_hsds,
    taxonomy_to_hsds,
)
from services.models import Taxonomy, TaxonomyTerm


def export_hsds(path: Path, *, language: str | None = None) -> dict[str, int]:
    """Write the four files into `path`; return how many records each holds."""
    language = language or settings.LANGUAGE_CODE
    path.mkdir(parents=True, exist_ok=True)
    with translation.override(language):
        # First, so that the profile's taxonomy and terms are in the files that follow.
        profile = profile_terms()
        services = list(services_queryset_for_hsds().order_by("pk"))
        attributes = stored_attributes(link_ids_of_services(services))
        service_records = [
            service_to_hsds(service, language, profile=profile, attributes=attributes)
            for service in services
        ]
        organisations = list(organizations_queryset_for_hsds(nested=True).order_by("hsds_id"))
        attributes = stored_attributes(link_ids_of_organisations(organisations))
        organisation_records = [
            organization_to_hsds(
                organisation,
                nested=True,
                language=language,
                profile=profile,
                attributes=attributes,
            )
            for organisation in organisations
        ]
        taxonomy_records = [
            taxonomy_to_hsds(taxonomy) for taxonomy in Taxonomy.objects.order_by("pk")
        ]
        term_records = [
            taxonomy_term_to_hsds(term, language)
            for term in TaxonomyTerm.objects.select_related("taxonomy").order_by("pk")
        ]
    files = {
        "organizations.json": organisation_records,
        "services.json": service_records,
        "taxonomies.json": taxonomy_records,
        "taxonomy_terms.json": term_records,
    }
    for name, records in files.items():
        _write(path / name, records)
    return {name: len(records) for name, records in files.items()}


def _write(path: Path, records: list[dict[str, Any]]) -> None:
    text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


class Command(BaseCommand):
    help = (
        "Write the service directory as Open Referral HSDS 3.0 JSON files into PATH: "
        "organizations.json, services.json, taxonomies.json, taxonomy_terms.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--language", help="language of the texts (default: the source language)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        language = options["language"] or settings.LANGUAGE_CODE
        if language not in [code for code, _name in settings.LANGUAGES]:
            raise CommandError(f"{language!r} is not one of the portal's languages.")
        path = Path(options["path"])
        if path.exists() and not path.is_dir():
            raise CommandError(f"{path} exists and is not a folder.")
        counts = export_hsds(path, language=language)
        for name, count in counts.items():
            self.stdout.write(f"{path / name}: {count} records")
