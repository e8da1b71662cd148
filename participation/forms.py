from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from participation.models import District, Process
from portal.i18n.languages import endonym


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your eligibility code"),
        max_length=64,
        help_text=_("The code printed on the paper you were given, e.g. ABCD-EFGH-…"),
    )
    district = forms.ModelChoiceField(
        label=_("Your district"),
        queryset=District.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: object, process: Process, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = process.districts.all()


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title of your idea"), max_length=200)
    description = forms.CharField(
        label=_("Describe your idea: what, where, for whom"), widget=forms.Textarea, max_length=5000
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), empty_label=None
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (euros)"), min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    photo = forms.ImageField(label=_("photo (optional)"), required=False)

    def clean_photo(self):  # type: ignore[no-untyped-def]
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The photo must be smaller than 5 MB."))
        return photo

    def __init__(self, *args: object, process: Process, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = process.districts.all()


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt"), max_length=64)


class CodeBatchForm(forms.Form):
    label = forms.CharField(label=_("Booth or place"), max_length=120)
    size = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=5000)


class PaperEntryForm(forms.Form):
    booth = forms.CharField(label=_("Booth"), max_length=60)
    sheet_number = forms.IntegerField(label=_("Sheet number"), min_value=1)
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.none(), empty_label=None
    )

    def __init__(self, *args: object, process: Process, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = process.districts.all()


class FollowForm(forms.Form):
    """Follow a council or a recommendation by email, in the language chosen."""

    email = forms.EmailField(label=_("Your email address"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the messages"))
    website = forms.CharField(required=False)  # a honeypot: people leave it empty

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, endonym(code)) for code, _name in settings.LANGUAGES
        ]
        self.fields["language"].initial = get_language()
