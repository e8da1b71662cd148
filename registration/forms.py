from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.places import neighbourhood_label
from registration.models import Evidence, Route

HOUSING = [
    ("own", _("In a home rented or owned in my name")),
    ("hosted", _("With someone who hosts me")),
    ("none", _("I have no fixed place to live")),
]
MONTHS = [
    ("under3", _("Less than 3 months")),
    ("3to12", _("3 to 12 months")),
    ("over12", _("More than a year")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ChecklistForm(forms.Form):
    """'How can I prove I live here?': read from the URL, never stored."""

    housing = forms.ChoiceField(
        label=_("Where do you live?"), choices=HOUSING, widget=forms.RadioSelect
    )
    documents = forms.MultipleChoiceField(
        label=_("Which of these can you bring? (none is fine)"),
        choices=Evidence.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    children = forms.ChoiceField(
        label=_("Do you have a child at school in the city?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
    )
    months = forms.ChoiceField(
        label=_("How long have you lived in the city?"), choices=MONTHS, widget=forms.RadioSelect
    )


class AttestationForm(forms.Form):
    display_name = forms.CharField(label=_("Name chosen by the person"), max_length=120)
    birth_year = forms.IntegerField(
        label=_("Year of birth (used only to notice a second attestation; not stored)"),
        min_value=1900,
        max_value=2100,
    )
    address = forms.CharField(label=_("Address or domiciliation address"), max_length=300)
    route = forms.ChoiceField(label=_("Route"), choices=Route.choices)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood"), choices=())
    evidence = forms.MultipleChoiceField(
        label=_("Evidence seen (do not keep copies)"),
        choices=Evidence.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    residence_since = forms.DateField(
        label=_("Living in the city since"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    person_language = forms.ChoiceField(
        label=_("Language of the person"), choices=settings.LANGUAGES
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["neighbourhood"].choices = [
            (name, neighbourhood_label(name)) for name in settings.PORTAL_NEIGHBOURHOODS
        ]


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Attestation code"), max_length=64)
