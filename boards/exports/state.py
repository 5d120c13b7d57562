"""What every export needs from a board state besides the state itself: the state
completed with defaults, labels, and numbers and KPIs written for people."""

from __future__ import annotations

import math
from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from boards.frameworks import BOARD_FRAMEWORK_CHOICES
from boards.models import COLUMN_WIDTH, CardKind, Channel, PlanStatus, Priority, Stage
from boards.schema import ARROW, CARD

DASH = "\u2013"  # for a figure not given

# What a card or an arrow of an older snapshot lacks is what a new one starts with.
CARD_DEFAULTS = CARD.state_defaults
ARROW_DEFAULTS = ARROW.state_defaults


def complete_state(state: dict) -> dict:
    """`state` with every field a renderer reads, in the order of the line.

    A snapshot frozen by an older version of the app may lack fields added since
    (priority, owner, kpi, links); they get the defaults a new card gets, so that an old
    version exports as it looked then instead of failing.
    """
    phases = sorted(
        ({"kpis": [], "colour": "#e5e7eb", **phase} for phase in state.get("phases", [])),
        key=lambda phase: phase["position"],
    )
    return {
        "board": {"title": "", "framework": "", "stage": "", "rev": 0, **state.get("board", {})},
        "phases": phases,
        "cards": [{**CARD_DEFAULTS, **card} for card in state.get("cards", [])],
        "arrows": [{**ARROW_DEFAULTS, **arrow} for arrow in state.get("arrows", [])],
        "links": list(state.get("links", [])),
    }


def card_boxes(state: dict) -> dict[str, tuple[float, float, float, float]]:
    """card id -> (x, y, w, h) in absolute board units (docs/protocol.md, "Geometry": a
    card in a phase stores x relative to its column, a card outside the line an
    absolute x)."""
    column = {phase["id"]: index for index, phase in enumerate(state["phases"])}
    boxes = {}
    for card in state["cards"]:
        index = column.get(card["phase"])
        x = card["x"] if index is None else index * COLUMN_WIDTH + card["x"]
        boxes[card["id"]] = (x, card["y"], card["w"], card["h"])
    return boxes


def number(value: float | int | None) -> str:
    """A figure as people write it: grouped thousands, no ".0" on whole numbers, at most
    two decimals."""
    if value is None or not math.isfinite(value):
        return DASH
    if float(value).is_integer():
        return formats.number_format(int(value), force_grouping=True)
    return formats.number_format(round(value, 2), force_grouping=True)


def kpi_figures(kpi: dict) -> str:
    """ "1,200 → 2,000 visits", "1,200 visits", "target 2,000 visits" or "" (no figures)."""
    unit = f" {kpi['unit']}" if kpi.get("unit") else ""
    value, target = kpi.get("value"), kpi.get("target")
    if value is not None and target is not None:
        return f"{number(value)} → {number(target)}{unit}"
    if value is not None:
        return f"{number(value)}{unit}"
    if target is not None:
        return _("target %(target)s") % {"target": f"{number(target)}{unit}"}
    return ""


def kind_label(kind: str) -> str:
    return str(dict(CardKind.choices).get(kind, kind))


def channel_label(channel: str) -> str:
    return str(dict(Channel.choices).get(channel, channel)) if channel else ""


def priority_label(priority: str) -> str:
    return str(dict(Priority.choices).get(priority, priority)) if priority else ""


def status_label(card: dict) -> str:
    """Where an opportunity stands in the action plan: an idea, planned, doing, done."""
    status = card.get("status", "")
    return str(dict(PlanStatus.choices).get(status, status))


def framework_label(framework: str) -> str:
    return str(dict(BOARD_FRAMEWORK_CHOICES).get(framework, framework))


def stage_label(stage: str) -> str:
    return str(dict(Stage.choices).get(stage, stage)) if stage else ""


def when_label(when: datetime) -> str:
    return formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")


def ui_direction() -> str:
    """The direction of the interface's language: that of a sentence of ours, whatever
    the words of a card quoted in it."""
    return "rtl" if get_language_bidi() else "ltr"
