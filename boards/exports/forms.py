"""The form of the import page: one board file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boards.exports.boardfile import max_bytes


class BoardImportForm(forms.Form):
    file = forms.FileField(
        label=_("Board file"),
        help_text=_("A .json file exported from a Journeymap board."),
        error_messages={"required": _("Choose the board file to import.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> bytes:
        """The file's bytes, read no further than one byte past the size limit: enough
        for the import to refuse a file that is too large without holding all of it."""
        upload = self.cleaned_data["file"]
        return upload.read(max_bytes() + 1)
