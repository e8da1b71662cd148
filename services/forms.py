from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.i18n.languages import language_name
from services.models import Referral, TaxonomyTerm


class ReferralForm(forms.Form):
    """A new referral. Nothing here names the person: a card code, optionally a value the
    organisation recognises them by (turned into a keyed pseudonym and forgotten)."""

    need = forms.ModelChoiceField(
        label=_("Need"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        empty_label=_("(not said)"),
    )
    client_token = forms.CharField(
        label=_("Card code"),
        max_length=16,
        required=False,
        help_text=_(
            "Leave empty to get a new code to write on a card for the person, or type "
            "the code of the card they already have."
        ),
    )
    pseudonym_input = forms.CharField(
        label=_("Something your organisation recognises the person by (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "For example your own file number. It is not stored: only a keyed fingerprint "
            "that no other organisation can match."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    consent = forms.ChoiceField(
        label=_("Consent of the person"),
        choices=[
            (Referral.Consent.GIVEN, _("The person agreed to be referred")),
            (Referral.Consent.NOT_RECORDED, _("Not asked yet (the referral stays a draft)")),
        ],
        widget=forms.RadioSelect,
        initial=Referral.Consent.NOT_RECORDED,
        required=False,
    )
    consent_override_reason = forms.CharField(
        label=_("Reason for sending without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    contact_channel = forms.ChoiceField(
        label=_("How does the person want to be contacted?"),
        choices=Referral.Contact.choices,
        widget=forms.RadioSelect,
        initial="",
        required=False,
    )
    contact_address = forms.CharField(
        label=_("Phone number or email address (only for SMS or email)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
    )
    contact_language = forms.ChoiceField(label=_("Language of the person"), choices=())
    note = forms.CharField(
        label=_("Note for the receiving service (optional, encrypted, deleted after a while)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, may_override: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["need"].queryset = TaxonomyTerm.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["contact_language"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code)) for code, _name in settings.LANGUAGES
        ]
        if may_override:
            self.fields["consent"].choices = [  # type: ignore[attr-defined]
                *self.fields["consent"].choices,  # type: ignore[attr-defined]
                (
                    Referral.Consent.OVERRIDDEN,
                    _("Send without consent (give the reason below)"),
                ),
            ]
        else:
            del self.fields["consent_override_reason"]


class TransitionForm(forms.Form):
    move = forms.CharField(max_length=20)
    decline_reason = forms.ChoiceField(
        label=_("Reason for declining"),
        choices=[(value, label) for value, label in Referral.DeclineReason.choices if value],
        required=False,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


DAYS = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]

# Languages a person may look for, by ISO 639 code, named in their own language.
SPOKEN_LANGUAGES = [
    "fr", "en", "es", "ar", "fa", "prs", "ps", "ti", "uk", "ru", "so", "wo", "ro", "tr",
    "pt", "it", "de", "bn", "ur",
]  # fmt: skip


class DirectorySearchForm(forms.Form):
    """The directory search, read from the URL (GET): nothing is stored."""

    q = forms.CharField(label=_("Words to look for"), max_length=200, required=False)
    need = forms.ChoiceField(label=_("What do you need?"), required=False, choices=())
    language = forms.ChoiceField(label=_("Language spoken there"), required=False, choices=())
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    day = forms.ChoiceField(label=_("Open on"), required=False, choices=[("", _("any day")), *DAYS])
    free = forms.BooleanField(label=_("Free"), required=False)
    no_documents_required = forms.BooleanField(label=_("No documents asked"), required=False)
    anonymous_ok = forms.BooleanField(label=_("Without giving your name"), required=False)
    walk_in = forms.BooleanField(label=_("Without an appointment"), required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    near = forms.CharField(label=_("Near"), required=False, max_length=60)

    def __init__(self, *args: object, needs: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["need"].choices = [("", _("any need")), *needs]  # type: ignore[attr-defined]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("any language")),
            *((code, language_name(code)) for code in SPOKEN_LANGUAGES),
        ]

    def clean_near(self) -> tuple[float, float] | None:
        from services.search import parse_near

        value = self.cleaned_data["near"].strip()
        if not value:
            return None
        near = parse_near(value)
        if near is None:
            raise forms.ValidationError(
                _("Choose a neighbourhood from the list, or allow the page to use your position.")
            )
        return near


class OutdatedReportForm(forms.Form):
    problem = forms.ChoiceField(label=_("What is wrong?"), choices=(), widget=forms.RadioSelect)

    def __init__(self, *args: object, **kwargs: object) -> None:
        from services.models import OutdatedReport

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["problem"].choices = OutdatedReport.Problem.choices  # type: ignore[attr-defined]
