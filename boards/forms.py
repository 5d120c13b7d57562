from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boards.frameworks import CUSTOM_FRAMEWORK, DEFAULT_FRAMEWORK, FRAMEWORK_CHOICES
from boards.models import (
    COLOUR_REGEX,
    GUEST_ROLE_CHOICES,
    TEMPLATE_NAME_MAX,
    TITLE_MAX,
    CardKind,
    Channel,
    PlanStatus,
    Priority,
)
from boards.schema import CARD, CARD_LIMITS
from boards.selectors import templates_for_organisation
from journeymap.models import Role


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


TEMPLATE_PREFIX = "template:"


class BoardCreateForm(_TitleMixin, forms.Form):
    """A new board: a title and where its line comes from, a published framework (with
    or without its examples) or one of the organisation's own templates ("template:<id>"
    in the same select). Only the templates of `organisation` are offered, so another
    organisation's template id is an invalid choice like any unknown value.

    cleaned_data then holds `framework` (a framework key, or "custom" for a template),
    `template` (the BoardTemplate, or None) and `examples`, the arguments of
    boards.actions.board_create.
    """

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, error_messages=TITLE_ERRORS)
    framework = forms.ChoiceField(
        label=_("Lifecycle framework"),
        choices=FRAMEWORK_CHOICES,
        initial=DEFAULT_FRAMEWORK,
        error_messages={"invalid_choice": _("Choose one of the frameworks in the list.")},
    )
    examples = forms.BooleanField(
        label=_("Start with example touchpoints"),
        help_text=_(
            "Each phase starts with typical touchpoints to rework in the workshop. The "
            "activities and KPIs teams use in a phase are offered as suggestions in the "
            "phase's panel: nothing counts as done until the team adds it. Not used with a "
            "saved template."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, organisation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.templates = {}
        if organisation is not None:
            self.templates = {
                f"{TEMPLATE_PREFIX}{template.pk}": template
                for template in templates_for_organisation(organisation)
            }
        if self.templates:
            self.fields["framework"].choices = [
                (_("Lifecycle frameworks"), FRAMEWORK_CHOICES),
                (
                    _("Your organisation's templates"),
                    [(key, template.name) for key, template in self.templates.items()],
                ),
            ]

    def clean(self) -> dict:
        cleaned = super().clean()
        choice = cleaned.get("framework")
        cleaned["template"] = self.templates.get(choice) if choice else None
        if cleaned["template"] is not None:
            cleaned["framework"] = CUSTOM_FRAMEWORK
            cleaned["examples"] = False  # a template brings its own cards
        return cleaned


class TemplateSaveForm(forms.Form):
    """The name to save a board as a template under (template_create_from_board checks
    that the organisation has no template of that name yet)."""

    name = forms.CharField(
        label=_("Template name"),
        max_length=TEMPLATE_NAME_MAX,
        error_messages={
            "required": _("Give the template a name."),
            "max_length": _("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the template a name."))
        return name


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
        max_length=CARD_LIMITS["text"],
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

    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the priorities in the list.")},
    )
    owner = forms.TypedChoiceField(
        label=pgettext_lazy("opportunity", "Owner"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a member of the organisation.")},
    )
    kpi = forms.ChoiceField(
        label=_("KPI it should move"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the phase's KPIs.")},
    )

    status = forms.ChoiceField(
        label=_("Status"),
        choices=PlanStatus.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the statuses in the list.")},
    )
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as a date, like 2026-03-31.")},
    )

    # Shown for opportunity cards only; the others keep what they have.
    OPPORTUNITY_FIELDS = ("priority", "owner", "kpi", "status", "due")

    def __init__(self, *args, card=None, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Each field also posts the value the panel showed ("initial-<name>", hidden), so
        # a save sends only what the person changed: a field someone else changed since
        # the panel was drawn is not written back (`changes`).
        for field in self.fields.values():
            field.show_hidden_initial = True
        if card is None or card.kind != CardKind.OPPORTUNITY:
            for name in self.OPPORTUNITY_FIELDS:
                del self.fields[name]
            return
        self.fields["owner"].choices = [("", _("Nobody yet"))] + [
            (m.user_id, m.user.name or m.user.email) for m in members
        ]
        kpis = [k["name"] for k in (card.phase.kpis if card.phase else [])]
        if card.kpi and card.kpi not in kpis:
            kpis.append(card.kpi)  # keep a KPI that was renamed or removed meanwhile
        self.fields["kpi"].choices = [("", _("None"))] + [(name, name) for name in kpis]
        if not kpis:
            self.fields["kpi"].help_text = _("Add KPIs to the card's phase to choose one here.")

    def clean_text(self) -> str:
        # Line endings as the protocol stores them; a browser posts \r\n.
        return self.cleaned_data["text"].replace("\r\n", "\n").strip()

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"].strip()

    def _shown_text(self) -> str | None:
        """The text the panel showed (None: the post did not say, as a plain client)."""
        shown = self.data.get(self["text"].html_initial_name)
        return None if shown is None else shown.replace("\r\n", "\n")

    def clean_due(self) -> str:
        due = self.cleaned_data["due"]
        return due.isoformat() if due else ""

    def changes(self, card) -> dict:
        """The fields the person changed in the panel that differ from `card` now: a
        card.update sends only these, so it does not overwrite what others changed
        meanwhile. A changed text carries the text the panel showed as `base`, so that
        the server merges it with what was typed on the canvas since
        (docs/protocol.md, "Concurrent text")."""
        current = {name: getattr(card, CARD.column(name)) for name in self.cleaned_data}
        touched = set(self.changed_data)
        shown_text = self._shown_text()
        if "text" in self.cleaned_data and shown_text is not None:
            # Compared as cleaned: a browser may post line ends as \r\n, or not.
            touched.discard("text")
            if self.cleaned_data["text"] != shown_text.strip():
                touched.add("text")
        told = any(bound.html_initial_name in self.data for bound in self)
        out = {
            name: value
            for name, value in self.cleaned_data.items()
            if current[name] != value and (name in touched or not told)
        }
        if "text" in out and shown_text is not None and shown_text != card.text:
            out["base"] = shown_text
        return out


class CardLinksForm(forms.Form):
    """Which touchpoints an activity or opportunity serves: the gap analysis counts a
    touchpoint as covered when an activity links to it."""

    serves = forms.MultipleChoiceField(
        label=_("Serves these touchpoints"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose touchpoints of this board.")},
    )

    def __init__(self, *args, touchpoints=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["serves"].choices = [
            (
                str(card.pk),
                f"{card.phase.name if card.phase else _('Outside the line')} · "
                f"{card.text or _('(empty touchpoint)')}",
            )
            for card in touchpoints
        ]


class SnapshotForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this version"),
        max_length=TITLE_MAX,
        error_messages={
            "required": _("Name the version, e.g. “After the kick-off workshop”."),
            "max_length": _("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        },
        widget=forms.TextInput(attrs={"placeholder": _("After the kick-off workshop")}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the version, e.g. “After the kick-off workshop”."))
        return name


EXPIRY_CHOICES = [
    ("", _("Never")),
    ("1", _("In a day")),
    ("7", _("In a week")),
    ("30", _("In 30 days")),
]


class ShareLinkForm(forms.Form):
    field_order = ["role", "label", "expires_in", "passcode", "live"]

    role = forms.ChoiceField(
        label=_("Guests may"),
        choices=GUEST_ROLE_CHOICES,
        initial=Role.VIEWER,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Guests who edit type their name when they open the link, and join without an account."
        ),
        error_messages={"invalid_choice": _("Choose whether guests view or edit.")},
    )
    label = forms.CharField(
        label=_("Who is it for?"),
        required=False,
        max_length=TITLE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the agency")}),
    )
    live = forms.BooleanField(
        label=_("Live: guests see changes as they happen"),
        required=False,
        initial=True,
    )
    expires_in = forms.TypedChoiceField(
        label=_("Expires"),
        choices=EXPIRY_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose one of the expiry times in the list.")},
    )
    passcode = forms.CharField(
        label=_("Passcode (optional)"),
        required=False,
        max_length=64,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Guests type it to join. Say it out loud in the room, not in the invite."),
    )

    def clean(self):
        data = super().clean()
        # Guests who edit are always live (boards.sharing.share_link_create).
        data["role"] = data.get("role") or Role.VIEWER
        return data
