"""The forms of the action plan and of KPI readings (boards/plans.py writes them): what a
person types when planning an action from a gap or recording a KPI's figure."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from boards.kpi_forms import NUMBER_ERRORS
from boards.kpis import sparkline
from boards.models import CARD_TEXT_MAX, PlanStatus
from boards.schema import KPI_LIMITS

DATE_ERRORS = {"invalid": _("Give the date as a date, like 2026-03-31.")}


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    """An action planned against one gap: what the team will do, who, by when."""

    gap = forms.CharField(widget=forms.HiddenInput, max_length=200)
    text = forms.CharField(
        label=_("Action"),
        max_length=CARD_TEXT_MAX,
        required=False,
        error_messages={
            "max_length": _("Keep the text to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    owner = forms.TypedChoiceField(
        label=pgettext_lazy("opportunity", "Owner"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a member of the organisation.")},
    )
    due = forms.DateField(
        label=_("Due date"), required=False, widget=_date_widget(), error_messages=DATE_ERRORS
    )

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = {m.user_id: m.user for m in members}
        self.fields["owner"].choices = [("", _("Nobody yet"))] + [
            (m.user_id, m.user.name or m.user.email) for m in members
        ]

    def owner_user(self):
        owner = self.cleaned_data.get("owner")
        return self.members.get(owner) if owner is not None else None


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PlanStatus.choices,
        required=False,
        error_messages={"invalid_choice": _("Choose one of the statuses in the list.")},
    )


class ReadingForm(forms.Form):
    """One dated figure of a KPI."""

    kpi = forms.CharField(widget=forms.HiddenInput, max_length=KPI_LIMITS["name"])
    date = forms.DateField(label=_("Date"), widget=_date_widget(), error_messages=DATE_ERRORS)
    value = forms.FloatField(
        label=_("Value"),
        min_value=-KPI_LIMITS["figure"],
        max_value=KPI_LIMITS["figure"],
        error_messages={**NUMBER_ERRORS, "required": _("Give the figure you read.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=KPI_LIMITS["note"],
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. after the spring campaign")}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)


def kpi_charts(kpis: list[dict], *, can_edit: bool, refused: ReadingForm | None) -> list[dict]:
    """A phase's KPIs for its panel: each with its readings, their chart and (for editors)
    a form to add one; a refused reading comes back in its KPI's form, with its errors."""
    charts = []
    for index, kpi in enumerate(kpis):
        form = None
        if can_edit:
            prefix = f"reading-{index}"
            if refused is not None and refused.prefix == prefix:
                form = refused
            else:
                form = ReadingForm(prefix=prefix, initial={"kpi": kpi["name"]})
        charts.append(
            {
                "kpi": kpi,
                "readings": kpi.get("readings", []),
                "spark": sparkline(kpi, width=300, height=64, pad=5),
                "form": form,
            }
        )
    return charts
