"""The KPIs of a phase as its side panel edits them (boards/views/panels.py), in the
shape the protocol's `kpis` items carry (docs/protocol.md); the figures are the numbers
a KPI reading (boards/plan_forms.py) takes too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from boards.schema import KPI_LIMITS, KPI_MAX

NUMBER_ERRORS = {"invalid": _("Give a number, like 2.5 or 40 (no units or percent sign here).")}


def _kpi_number(label) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=-KPI_LIMITS["figure"],
        max_value=KPI_LIMITS["figure"],
        error_messages=NUMBER_ERRORS,
        # Text, not type=number: a browser silently drops "70%" from a number field, and
        # the person would see their value vanish instead of being told why.
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class KpiForm(forms.Form):
    """One KPI of a phase, as the protocol's `kpis` items carry it."""

    name = forms.CharField(
        label=_("KPI"),
        max_length=KPI_LIMITS["name"],
        error_messages={
            "max_length": _("Keep the name to %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    value = _kpi_number(_("Current value"))
    target = _kpi_number(_("Target"))
    unit = forms.CharField(
        label=_("Unit"),
        max_length=KPI_LIMITS["unit"],
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("%, €, days…")}),
    )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the KPI, or remove the row."))
        return name


class _KpiBaseFormSet(forms.BaseFormSet):
    def kpis(self) -> list[dict]:
        """The filled-in rows in order, without the removed ones."""
        return [
            {
                "name": form.cleaned_data["name"],
                "value": form.cleaned_data.get("value"),
                "target": form.cleaned_data.get("target"),
                "unit": form.cleaned_data.get("unit", "").strip(),
            }
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get("DELETE")
        ]


KpiFormSet = forms.formset_factory(
    KpiForm,
    formset=_KpiBaseFormSet,
    extra=1,
    can_delete=True,
    max_num=KPI_MAX,
    validate_max=True,
    absolute_max=KPI_MAX,
)
