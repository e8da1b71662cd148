from __future__ import annotations

import datetime

from django import template
from django.utils import formats
from django.utils.formats import date_format
from django.utils.translation import get_language

from portal.i18n.languages import (
    TranslatedText,
    direction,
    field_value,
    language_name,
    text_in_language,
)

register = template.Library()


@register.simple_tag
def translated(obj: object, field: str) -> TranslatedText:
    """`{% translated notice "title" as title %}`: the text in the reader's language,
    or along the fallback chain, knowing which language it is in."""
    return text_in_language(obj, field)


@register.inclusion_tag("components/fallback_notice.html")
def fallback_notice(*texts: TranslatedText) -> dict[str, object]:
    """A notice, in the reader's language, when any of `texts` is a fallback."""
    fallback = next((text for text in texts if text.is_fallback), None)
    if fallback is None:
        return {"show": False}
    return {
        "show": True,
        "requested_name": language_name(fallback.requested),
        "shown_name": language_name(fallback.language),
    }


@register.inclusion_tag("components/translation_notice.html")
def translation_notice(obj: object, shown: str = "") -> dict[str, object]:
    """Tells the reader when the text shown (in language `shown`, by default the one
    the object's fields are read in) lags behind the source, or is unreviewed machine
    translation (the translation workflow's records)."""

    from portal.i18n.selectors import reader_status

    if obj is None:
        return {}
    language = shown or _shown_language(obj)
    status = reader_status(obj=obj, language=language)
    return {
        "outdated_since": status.outdated_since.date() if status.outdated_since else None,
        "machine": status.machine,
        "source_name": language_name(status.source_language),
    }


def _shown_language(obj: object) -> str:
    """The language the reader gets the object's texts in (its first non-empty field)."""
    from modeltranslation.translator import translator

    for field in sorted(translator.get_options_for_model(type(obj)).get_field_names()):
        text = text_in_language(obj, field)
        if text.text:
            return text.language
    return get_language() or ""


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    """`{{ "fr"|language_name }}`: the language's name in the reader's language."""
    return language_name(code)


@register.filter(name="language_direction")
def language_direction_filter(code: str) -> str:
    return direction(code)


@register.filter
def field_in(obj: object, language: str) -> dict[str, str]:
    """`{{ article|field_in:"ar" }}`: the object's translated fields in one language."""
    from modeltranslation.translator import translator

    fields = translator.get_options_for_model(type(obj)).get_field_names()
    return {field: field_value(obj, field, language) for field in fields}


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


@register.simple_tag
def table_cell(table: object, row: object, column: object) -> object:
    """A suppressed statistics cell shows as '<11'."""
    return shown_count(table.cell(row, column))  # type: ignore[attr-defined]


@register.filter
def shown_count(value: int | None) -> object:
    """A published count, or '<11' where it is hidden (escaped like any other text)."""
    from portal.statistics import THRESHOLD

    return f"<{THRESHOLD + 1}" if value is None else value


@register.filter
def reader_month(value: datetime.date | None) -> str:
    """A month in the reader's words where Django knows them (“novembre 2026”), else
    as 2026-11, for the same reason as reader_date."""
    if value is None:
        return ""
    if formats.get_format_modules(get_language()):
        return date_format(value, "YEAR_MONTH_FORMAT")
    return value.strftime("%Y-%m")


@register.filter
def reader_date(value: datetime.date | None) -> str:
    """A date in the reader's format where Django knows it, else as 2026-09-15.

    Django has no formats (nor month names) for Tigrinya, Pashto and other languages
    added by the portal; an ISO date reads the same in every script.
    """
    if value is None:
        return ""
    if formats.get_format_modules(get_language()):
        return date_format(value, "DATE_FORMAT")
    return value.isoformat()


@register.filter
def neighbourhood(name: str) -> str:
    """A neighbourhood identifier as the reader sees it."""
    from portal.places import neighbourhood_label

    return neighbourhood_label(name)
