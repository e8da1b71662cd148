"""PDFs of every module (WeasyPrint), with the site's own script fonts.

One place for the fonts a PDF needs, so the booklet, the attestation and any later PDF
set Arabic script and Ge'ez the same way.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

FONT_FILES = {
    ("Portal Arabic", 400): "fonts/noto-naskh-arabic-arabic-400-normal.woff2",
    ("Portal Arabic", 700): "fonts/noto-naskh-arabic-arabic-700-normal.woff2",
    ("Portal Ethiopic", 400): "fonts/noto-sans-ethiopic-ethiopic-400-normal.woff2",
    ("Portal Ethiopic", 700): "fonts/noto-sans-ethiopic-ethiopic-700-normal.woff2",
}

# DejaVu Sans draws each Arabic letter as one glyph, so a PDF's text layer stays exact
# (search, copy, screen readers); Noto Naskh builds letters from parts that PDF text
# extraction cannot map back, so it only covers what DejaVu lacks.
SCRIPT_RULES = """
html { font-family: "DejaVu Sans", "Portal Arabic", "Portal Ethiopic", sans-serif; }
:lang(ar), :lang(fa), :lang(ps) { font-family: "DejaVu Sans", "Portal Arabic", sans-serif; }
:lang(ti) { font-family: "Portal Ethiopic", "DejaVu Sans", sans-serif; }
"""


def font_css() -> str:
    """@font-face rules pointing at the static font files, and the per-script families."""
    faces = [
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
        f'src: url("{Path(str(finders.find(path))).as_uri()}"); }}'
        for (family, weight), path in FONT_FILES.items()
    ]
    return "\n".join(faces) + SCRIPT_RULES


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only where a PDF is made

    return bytes(HTML(string=html).write_pdf())
