"""The gap list's items, and how each reads: the rules of boards/gaps.py put into words
once, in the active language, so the panel, the canvas, the PDF, the CSV and the JSON
export say the same thing about the same gap."""

from __future__ import annotations

from django.utils.translation import gettext as _

from boards.models import Movement


def _number(value: float) -> str:
    return f"{value:g}"


def phase_gaps(phase: dict, members: list[dict], missing: list[str], labels: dict) -> list:
    """The gap list of one phase, in the order the panel and the report show it: what is
    missing on the line, then what the figures say, then movement."""
    found: list[dict] = []

    def gap(kind: str, message: str, **about) -> None:
        found.append({"kind": kind, "phase": phase["id"], "message": message, **about})

    if phase["no_touchpoint"]:
        gap("no_touchpoint", _("No touchpoint: how do customers meet the brand in this phase?"))
    if phase["no_activity"] and phase["covered_touchpoints"]:
        gap(
            "no_activity",
            _("No activity is placed in this phase; its touchpoints are served from other phases."),
        )
    elif phase["no_activity"]:
        gap("no_activity", _("No current activity: the team does nothing here yet."))
    for card in phase["uncovered"]:
        gap(
            "uncovered",
            _("“%(text)s” has no activity behind it")
            % {"text": card["text"].strip() or _("(empty touchpoint)")},
            card=card["id"],
        )
    if phase["no_kpi"]:
        gap("no_kpi", _("No KPI: which figure tells whether this phase works?"))
    for kpi in phase["kpis"]:
        value, target = kpi.get("value"), kpi.get("target")
        if value is not None and target is not None and value != target:
            gap(
                "kpi_off_target",
                _("“%(name)s” is at %(value)s; its target is %(target)s.")
                % {"name": kpi["name"], "value": _number(value), "target": _number(target)},
                kpi=kpi["name"],
            )
    for key in missing:
        gap(
            "channel",
            _("“%(channel)s” is used in other phases but not here, where it suits this phase.")
            % {"channel": str(labels[key])},
            channel=key,
        )
    kpi_names = {kpi["name"].casefold() for kpi in phase["kpis"]}
    for card in members:
        name = card.get("kpi", "")
        if card["kind"] == "opportunity" and name and name.casefold() not in kpi_names:
            gap(
                "unknown_kpi",
                _(
                    "The opportunity “%(text)s” names the KPI “%(kpi)s”, which this phase "
                    "does not list."
                )
                % {"text": card["text"].strip(), "kpi": name},
                card=card["id"],
                kpi=name,
            )
    for arrow in phase["backward"]:
        if arrow["movement"] == Movement.FALL_BACK and not arrow["handled"]:
            gap(
                "fall_back",
                _("Customers fall back from “%(text)s” to %(to)s, and no activity catches them.")
                % {"text": arrow["from_text"].strip() or _("a card"), "to": arrow["to_phase"]},
                arrow=arrow["id"],
                card=arrow["from_card"],
            )
    return found


def movement_sentence(arrow: dict) -> str:
    """What a backward arrow of `gaps_from_state` says, as the panel and the report show
    it under "Movement": a loss (handled or not), a return or a reactivation."""
    values = {"text": arrow["from_text"].strip() or _("a card"), "to": arrow["to_phase"]}
    if arrow["movement"] == Movement.RETURN:
        return _("Customers return from “%(text)s” to %(to)s to buy again") % values
    if arrow["movement"] == Movement.REACTIVATED:
        return _("Customers are reactivated from “%(text)s” to %(to)s") % values
    return _("Customers fall back from “%(text)s” to %(to)s") % values
