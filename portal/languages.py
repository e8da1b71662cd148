"""Language information for languages Django ships no locale for.

Django knows the name, endonym and direction of a language from
``django.conf.locale.LANG_INFO``. Tigrinya and Pashto (and Somali, Wolof, Dari…) are
missing there, so the portal keeps their information here and adds it at start-up.
Enabling another language is a settings change: add it to ``EXTRA_LANGUAGES`` if
Django does not know it, then list it in ``PORTAL_LANGUAGES`` and add its catalogue.
"""

from __future__ import annotations

from typing import TypedDict


class LanguageInfo(TypedDict):
    bidi: bool
    code: str
    name: str
    name_local: str
    plural_forms: str


EXTRA_LANGUAGES: dict[str, LanguageInfo] = {
    "ti": {
        "bidi": False,
        "code": "ti",
        "name": "Tigrinya",
        "name_local": "ትግርኛ",
        "plural_forms": "nplurals=2; plural=(n > 1);",
    },
    "ps": {
        "bidi": True,
        "code": "ps",
        "name": "Pashto",
        "name_local": "پښتو",
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "prs": {
        "bidi": True,
        "code": "prs",
        "name": "Dari",
        "name_local": "دری",
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "so": {
        "bidi": False,
        "code": "so",
        "name": "Somali",
        "name_local": "Soomaali",
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "wo": {
        "bidi": False,
        "code": "wo",
        "name": "Wolof",
        "name_local": "Wolof",
        "plural_forms": "nplurals=1; plural=0;",
    },
}


def register_extra_languages() -> None:
    """Teach Django the languages above (idempotent)."""
    from django.conf.locale import LANG_INFO

    for code, info in EXTRA_LANGUAGES.items():
        LANG_INFO.setdefault(code, {k: v for k, v in info.items() if k != "plural_forms"})


def language_info(code: str) -> dict[str, object]:
    from django.conf.locale import LANG_INFO

    register_extra_languages()
    if code in LANG_INFO:
        return LANG_INFO[code]
    generic = code.split("-")[0]
    return LANG_INFO[generic]


def bidi_languages(codes: list[str]) -> list[str]:
    return [code for code in codes if language_info(code).get("bidi")]
