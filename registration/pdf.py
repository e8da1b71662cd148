"""The PDFs of the registration helper: the pre-filled request form and the attestation,
each in the person's language and the city's language side by side."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from portal.i18n.languages import direction
from portal.pdf import font_css, render_pdf


def _in(language: str, template: str, context: dict[str, Any]) -> str:
    with translation.override(language):
        return render_to_string(
            template, {**context, "language": language, "direction": direction(language)}
        )


def bilingual_pdf(*, template: str, person_language: str, context: dict[str, Any]) -> bytes:
    """Render `template` once per language and set the two side by side."""
    city = settings.LANGUAGE_CODE
    languages = [person_language] if person_language == city else [person_language, city]
    columns = [_in(language, template, context) for language in languages]
    html = render_to_string(
        "registration/pdf_page.html",
        {"columns": columns, "font_css": font_css(), "qr_svg": context.get("qr_svg")},
    )
    return render_pdf(html)


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3)
