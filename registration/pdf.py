"""The PDFs of the registration helper: the pre-filled request form and the attestation,
each in the person's language and the city's language side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from portal.i18n.languages import direction

FONTS = {
    "ethiopic": "fonts/noto-sans-ethiopic-ethiopic-400-normal.woff2",
    "arabic": "fonts/noto-naskh-arabic-arabic-400-normal.woff2",
}


def _fonts() -> dict[str, str]:
    return {name: Path(str(finders.find(path))).as_uri() for name, path in FONTS.items()}


def _in(language: str, template: str, context: dict[str, Any]) -> str:
    with translation.override(language):
        return render_to_string(
            template, {**context, "language": language, "direction": direction(language)}
        )


def bilingual_pdf(*, template: str, person_language: str, context: dict[str, Any]) -> bytes:
    """Render `template` once per language and set the two side by side."""
    from weasyprint import HTML

    city = settings.LANGUAGE_CODE
    languages = [person_language] if person_language == city else [person_language, city]
    columns = [_in(language, template, context) for language in languages]
    html = render_to_string(
        "registration/pdf_page.html",
        {"columns": columns, "fonts": _fonts(), "qr_svg": context.get("qr_svg")},
    )
    return bytes(HTML(string=html).write_pdf())


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3)
