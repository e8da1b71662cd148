"""Names of the city's neighbourhoods as readers see them.

PORTAL_NEIGHBOURHOODS holds identifiers. The demo's five are compass words, translated
here; a real city's neighbourhood names are proper nouns and are shown as they are.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COMPASS = {
    "centre": _("Centre"),
    "north": _("North"),
    "south": _("South"),
    "east": _("East"),
    "west": _("West"),
}


def neighbourhood_label(name: str) -> str:
    return str(COMPASS.get(name, name.replace("-", " ").title()))
