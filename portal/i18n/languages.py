"""Names, directions and fallback chains of the enabled languages."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from portal.languages import language_info

# Names of languages in the reader's language (our catalogue translates them).
LANGUAGE_NAMES = {
    "fr": _("French"),
    "en": _("English"),
    "es": _("Spanish"),
    "ar": _("Arabic"),
    "fa": _("Persian"),
    "uk": _("Ukrainian"),
    "ti": _("Tigrinya"),
    "ps": _("Pashto"),
    "prs": _("Dari"),
    "so": _("Somali"),
    "wo": _("Wolof"),
    # Languages often spoken at services (the directory's "language spoken" filter).
    "ru": _("Russian"),
    "ro": _("Romanian"),
    "tr": _("Turkish"),
    "pt": _("Portuguese"),
    "it": _("Italian"),
    "de": _("German"),
    "bn": _("Bengali"),
    "ur": _("Urdu"),
}


def language_name(code: str) -> str:
    """The language's name in the reader's language."""
    if code in LANGUAGE_NAMES:
        return str(LANGUAGE_NAMES[code])
    # Django's own catalogue translates the names of the languages it knows.
    return gettext(str(language_info(code)["name"]))


def endonym(code: str) -> str:
    """The language's name in its own script, capitalised where the script has case."""
    return capfirst(str(language_info(code)["name_local"]))


def is_rtl(code: str) -> bool:
    return code in settings.LANGUAGES_BIDI or code.split("-")[0] in settings.LANGUAGES_BIDI


def direction(code: str) -> str:
    return "rtl" if is_rtl(code) else "ltr"


def enabled_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def fallback_chain(code: str) -> list[str]:
    """Where a missing text is looked for after `code`, ending with the source language."""
    chains = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    chain = [*chains.get(code, ()), *chains.get("default", ()), settings.LANGUAGE_CODE]
    seen: list[str] = []
    for candidate in chain:
        if candidate != code and candidate not in seen and candidate in enabled_codes():
            seen.append(candidate)
    return seen


@dataclass(frozen=True)
class TranslatedText:
    """A text, the language it is in, and the language the reader asked for."""

    text: str
    language: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.language != self.requested

    @property
    def direction(self) -> str:
        return direction(self.language)

    def __str__(self) -> str:
        return self.text


def reader_language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def language_chain(requested: str) -> list[str]:
    """The reader's language followed by its fallback chain."""
    return [requested, *fallback_chain(requested)]


def version_language(approved: list[str], requested: str | None = None) -> str | None:
    """The first language along the reader's chain that has an approved version."""
    for code in language_chain(requested or reader_language()):
        if code in approved:
            return code
    return None


def field_value(obj: object, field: str, language: str) -> str:
    return str(getattr(obj, f"{field}_{language.replace('-', '_')}", None) or "")


def set_translations(obj: object, field: str, texts: dict[str, str]) -> None:
    """Set a translated field's per-language values from {language: text}.

    Only the per-language attributes are written: assigning `obj.<field>` itself would
    go through modeltranslation's descriptor into whatever language happens to be
    active. Languages that are not enabled are skipped.
    """
    enabled = set(enabled_codes())
    for language, text in texts.items():
        if language in enabled:
            setattr(obj, f"{field}_{language.replace('-', '_')}", text)


def text_in_language(obj: object, field: str, language: str | None = None) -> TranslatedText:
    """The value of a modeltranslation field in `language`, or along its fallback chain."""
    requested = language or reader_language()
    for code in language_chain(requested):
        value = field_value(obj, field, code)
        if value:
            return TranslatedText(text=value, language=code, requested=requested)
    return TranslatedText(text="", language=requested, requested=requested)


def text_of_version(
    obj: object, field: str, version: str, requested: str | None = None
) -> TranslatedText:
    """The field's text in one chosen version (e.g. the approved one), no mixing."""
    return TranslatedText(
        text=field_value(obj, field, version),
        language=version,
        requested=requested or reader_language(),
    )


# PostgreSQL text-search configurations; languages without one use "simple".
SEARCH_CONFIGS = {
    "fr": "french",
    "en": "english",
    "es": "spanish",
    "ar": "arabic",
    "ca": "catalan",
    "it": "italian",
    "pt": "portuguese",
    "de": "german",
    "ru": "russian",
    "tr": "turkish",
}


def search_config(code: str) -> str:
    configs = {**SEARCH_CONFIGS, **getattr(settings, "PORTAL_SEARCH_CONFIGS", {})}
    return configs.get(code, configs.get(code.split("-")[0], "simple"))
