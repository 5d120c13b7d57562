from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from boards.frameworks import DEFAULT_FRAMEWORK, FRAMEWORK_CHOICES
from boards.models import CARD_TEXT_MAX, COLOUR_REGEX, TITLE_MAX, CardKind, Channel


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


class CardPanelForm(forms.Form):
    """The side panel's card details. Only shape is checked here; board_apply_ops
    validates the op again and decides whether the card may still be changed."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=CardKind.choices,
        error_messages={"invalid_choice": _("Choose one of the kinds in the list.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=Channel.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the channels in the list.")},
    )
    text = forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        max_length=CARD_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _("Keep the text to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    colour = forms.CharField(
        label=_("Colour"),
        required=False,
        max_length=7,
        help_text=_("A colour as #rrggbb; leave empty for the kind's colour."),
        validators=[
            RegexValidator(
                COLOUR_REGEX, _("Give the colour as # and six hex digits, like #fde68a.")
            )
        ],
        widget=forms.TextInput(attrs={"placeholder": "#rrggbb", "autocomplete": "off"}),
    )

    def clean_text(self) -> str:
        # Line endings as the protocol stores them; a browser posts \r\n.
        return self.cleaned_data["text"].replace("\r\n", "\n").strip()

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].strip()

    def changes(self, card) -> dict:
        """The fields whose cleaned value differs from `card`: a card.update sends only
        these, so it does not overwrite what others changed meanwhile."""
        return {
            name: value for name, value in self.cleaned_data.items() if getattr(card, name) != value
        }
