from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from discrimination.models import Category, Ground, Report
from portal.i18n.languages import language_name
from portal.places import neighbourhood_label

EARLIER = "earlier"
MONTHS_OFFERED = 24


def month_choices(today: datetime.date | None = None) -> list[tuple[str, str]]:
    """The last 24 months, newest first, as "YYYY-MM" with the month in the reader's
    language, then "earlier"."""
    from portal.i18n.templatetags.portal_i18n import reader_month

    today = today or timezone.localdate()
    year, month = today.year, today.month
    choices = []
    for _index in range(MONTHS_OFFERED):
        first = datetime.date(year, month, 1)
        choices.append((first.strftime("%Y-%m"), reader_month(first)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    choices.append((EARLIER, str(_("Earlier than that"))))
    return choices


class ReportForm(forms.Form):
    """The public report: no name, no account; every field but two is optional."""

    category = forms.ChoiceField(
        label=_("Where or how did it happen?"), choices=Category.choices, widget=forms.RadioSelect
    )
    ground = forms.ChoiceField(
        label=_("Why do you think you were treated this way?"),
        choices=Ground.choices,
        widget=forms.RadioSelect,
    )
    month = forms.ChoiceField(label=_("When did it happen?"), choices=())
    neighbourhood = forms.ChoiceField(label=_("In which neighbourhood?"), required=False)
    service = forms.ChoiceField(
        label=_("Was it at a service or office in the directory?"), required=False
    )
    account = forms.CharField(
        label=_("What happened, in your words (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Write in any language. You do not need to give your name or anybody's name."),
    )
    contact_channel = forms.ChoiceField(
        label=_("Do you want the office to contact you?"),
        choices=Report.Contact.choices,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    contact_address = forms.CharField(
        label=_("Your phone number or email address"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr"}),
        help_text=_("Only the office sees it. It is deleted when your report is closed."),
    )
    contact_language = forms.ChoiceField(label=_("In which language?"), required=False)
    # A field people never see (hidden by the stylesheet and from screen readers):
    # programs that fill every field fill it too.
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: object, services: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["month"].choices = month_choices()  # type: ignore[attr-defined]
        self.fields["neighbourhood"].choices = [  # type: ignore[attr-defined]
            ("", _("I do not want to say, or it was not in the city")),
            *((name, neighbourhood_label(name)) for name in settings.PORTAL_NEIGHBOURHOODS),
        ]
        self.fields["service"].choices = [("", _("No, or I do not know")), *services]  # type: ignore[attr-defined]
        self.fields["contact_language"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code)) for code, _name in settings.LANGUAGES
        ]

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"]
        if value == EARLIER:
            return None
        return datetime.date.fromisoformat(f"{value}-01")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("contact_channel") and not str(data.get("contact_address", "")).strip():
            self.add_error(
                "contact_address",
                _("Give the phone number or email address where the office can reach you."),
            )
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your follow-up code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
    )


class AddInformationForm(forms.Form):
    code = forms.CharField(max_length=64, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Add information to your report"), max_length=5000, widget=forms.Textarea
    )


# --- The office ------------------------------------------------------------------------------


class MoveForm(forms.Form):
    move = forms.CharField(max_length=20)
    close_reason = forms.ChoiceField(
        label=_("Why is the report closed?"),
        choices=[choice for choice in Report.CloseReason.choices if choice[0]],
        required=False,
    )


class TextForm(forms.Form):
    kind = forms.CharField(max_length=10, required=False)
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea)
    language = forms.ChoiceField(label=_("Written in"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code)) for code, _name in settings.LANGUAGES
        ]


class ReferForm(forms.Form):
    service = forms.UUIDField(label=_("Legal service"))
    consent = forms.BooleanField(
        label=_("The person agreed to be referred to this service"), required=False
    )
    note = forms.CharField(
        label=_("Note for the service (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
