from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SegmentForm(forms.Form):
    text = forms.CharField(label=_("Translation"), widget=forms.Textarea(attrs={"rows": 8}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("PO or XLIFF file"),
        help_text=_("A file exported from this page and translated in your own tool."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".po", ".xlf", ".xliff")):
            raise forms.ValidationError(_("Choose a .po, .xlf or .xliff file."))
        return upload
