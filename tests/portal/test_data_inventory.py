"""docs/data-inventory.md names every field of every model of the portal: in a table
(why it exists, who can read it, how long it is kept, how it is erased) when it can
concern a person, in the model's "Other fields" line otherwise. A model that gains a
field, or loses one, fails this test until the inventory says so."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from portal.encryption import EncryptedTextField

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "data-inventory.md"
OUR_APPS = {
    "portal",
    "accounts",
    "audit",
    "i18n",
    "notifications",
    "rights_guide",
    "services",
    "registration",
    "participation",
    "discrimination",
}
SECTION = re.compile(r"^### (\w+)\.(\w+)\s*$")
ROW = re.compile(r"^\|\s*`(\w+)`\s*\|(.*)\|\s*$")
OTHER = re.compile(r"^Other fields[^:]*:(.*)$")


def _translated(model: type) -> dict[str, str]:
    """modeltranslation's per-language columns (title_fr, …) → the field (title)."""
    from modeltranslation.translator import NotRegistered, translator

    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {column.name: base for base, columns in options.all_fields.items() for column in columns}


def model_fields() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        per_language = _translated(model)
        names = set()
        for field in model._meta.get_fields():
            if field.auto_created and not field.concrete:
                continue  # the other side of a relation, documented on its own model
            names.add(per_language.get(field.name, field.name))
        found[f"{model._meta.app_label}.{model.__name__}"] = names
    return found


def documented() -> tuple[dict[str, set[str]], dict[str, set[str]], list[str]]:
    """(personal fields, other fields, problems) per model, as the document says."""
    personal: dict[str, set[str]] = {}
    other: dict[str, set[str]] = {}
    problems: list[str] = []
    current = None
    for number, line in enumerate(DOCUMENT.read_text(encoding="utf-8").splitlines(), 1):
        if section := SECTION.match(line):
            current = f"{section.group(1)}.{section.group(2)}"
            if current in personal:
                problems.append(f"line {number}: {current} twice")
            personal.setdefault(current, set())
            other.setdefault(current, set())
        elif current and (row := ROW.match(line)):
            cells = [cell.strip() for cell in row.group(2).split("|")]
            if len(cells) != 4 or not all(cells):
                problems.append(f"line {number}: {current}.{row.group(1)} needs four answers")
            personal[current].add(row.group(1))
        elif current and (rest := OTHER.match(line)):
            other[current] |= set(re.findall(r"`(\w+)`", rest.group(1)))
    return personal, other, problems


def test_every_field_of_every_model_is_in_the_inventory() -> None:
    personal, other, problems = documented()
    assert problems == []
    actual = model_fields()
    assert sorted(set(actual) - set(personal)) == [], "models missing from the inventory"
    assert sorted(set(personal) - set(actual)) == [], "models that no longer exist"
    for model, fields in actual.items():
        listed = personal[model] | other[model]
        assert sorted(fields - listed) == [], f"{model}: fields missing from the inventory"
        assert sorted(listed - fields) == [], f"{model}: fields that no longer exist"
        assert personal[model] & other[model] == set(), f"{model}: listed twice"


def test_every_encrypted_field_is_described_as_personal() -> None:
    personal, _other, _problems = documented()
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                name = f"{model._meta.app_label}.{model.__name__}"
                assert field.name in personal.get(name, set()), f"{name}.{field.name}"
