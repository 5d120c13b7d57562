from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boards.frameworks import DEFAULT_FRAMEWORK, FRAMEWORK_CHOICES
from boards.models import TITLE_MAX


class _TitleMixin:
    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the board a title."))
        return title


TITLE_ERRORS = {
    "required": _("Give the board a title."),
    "max_length": _("Keep the title to %(limit_value)d characters (it has %(show_value)d)."),
}


class BoardCreateForm(_TitleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, error_messages=TITLE_ERRORS)
    framework = forms.ChoiceField(
        label=_("Lifecycle framework"),
        choices=FRAMEWORK_CHOICES,
        initial=DEFAULT_FRAMEWORK,
        error_messages={"invalid_choice": _("Choose one of the frameworks in the list.")},
    )


class BoardRenameForm(_TitleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, error_messages=TITLE_ERRORS)
