from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rights_guide.models import Situation
from rights_guide.needs import Need

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
HOUSING = [
    ("home", _("In my own home or a rented room")),
    ("temporary", _("With friends, in a hostel or somewhere temporary")),
    ("none", _("I have no place to sleep")),
]
OTHER_NEEDS = [
    (Need.WORK.value, _("Finding work or problems at work")),
    (Need.LANGUAGE_CLASSES.value, _("Learning French")),
    (Need.LEGAL_HELP.value, _("Advice from a lawyer")),
    (Need.SOCIAL_SUPPORT.value, _("Food, money or help from a social worker")),
    (Need.DISCRIMINATION.value, _("I was treated unfairly or insulted")),
    (Need.PARTICIPATION.value, _("Having a say in the city")),
]


class QuestionnaireForm(forms.Form):
    """'What are my rights?': read from the URL, never stored."""

    situation = forms.ChoiceField(
        label=_("Which sentence describes you best?"), widget=forms.RadioSelect, required=True
    )
    children = forms.ChoiceField(
        label=_("Do children live with you, or are you under 18?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=True,
    )
    health = forms.ChoiceField(
        label=_("Do you need to see a doctor or get medicine?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=True,
    )
    housing = forms.ChoiceField(
        label=_("Where do you sleep at the moment?"),
        choices=HOUSING,
        widget=forms.RadioSelect,
        required=True,
    )
    other = forms.MultipleChoiceField(
        label=_("Do you need help with anything else?"),
        choices=OTHER_NEEDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: object, situations: list[Situation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.situations = {situation.slug: situation for situation in situations}
        self.fields["situation"].choices = [
            *((situation.slug, situation.title) for situation in situations),
            ("other", _("None of these")),
        ]

    def chosen_situation(self) -> Situation | None:
        return self.situations.get(self.cleaned_data["situation"])

    def needs(self) -> set[str]:
        data = self.cleaned_data
        needs = set(data.get("other") or [])
        if data["children"] == "yes":
            needs.add(Need.SCHOOLING.value)
        if data["health"] == "yes":
            needs.add(Need.HEALTH.value)
        if data["housing"] == "none":
            needs |= {Need.HOUSING.value, Need.DOMICILIATION.value}
        elif data["housing"] == "temporary":
            needs.add(Need.DOMICILIATION.value)
        return needs


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the guide"), required=False, max_length=10_000)
