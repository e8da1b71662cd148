"""The portal's four public modules, as the home page and the navigation show them.

`is_built` is False while a module's issue is open: the home page says "Coming soon".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Module:
    slug: str
    url_name: str
    title: Promise
    summary: Promise
    is_built: bool


MODULES = (
    Module(
        slug="guide",
        url_name="rights_guide:index",
        title=_("Know your rights"),
        summary=_(
            "Health care, school, housing, work, legal help: what every resident "
            "of the city can ask for, whatever their papers."
        ),
        is_built=True,
    ),
    Module(
        slug="services",
        url_name="services:index",
        title=_("Find a service"),
        summary=_(
            "Clinics, associations and city offices near you, the languages they "
            "speak, and whether they ask for documents."
        ),
        is_built=True,
    ),
    Module(
        slug="register",
        url_name="registration:index",
        title=_("Prove you live here"),
        summary=_(
            "How to register as a resident or get a postal address, and which "
            "documents can replace a passport or a lease."
        ),
        is_built=True,
    ),
    Module(
        slug="participate",
        url_name="participation:index",
        title=_("Take part"),
        summary=_(
            "The council of foreign residents, its meetings and recommendations, "
            "and the participatory budget."
        ),
        is_built=True,
    ),
)
