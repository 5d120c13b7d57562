"""Writes of the strategy step: KPIs accepted from the framework's suggestions, KPI
readings over time, and the action plan (an opportunity planned from a gap, its status,
and a done one turned into a current activity).

Every write is protocol ops through boards.actions.board_apply_ops, one revision each,
so everyone on the board sees it live and the op log records who did what (a status set
to done included: the op log is the board's history of what the team did)."""

from __future__ import annotations

import copy
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from boards.actions import board_apply_ops
from boards.frameworks import kpi_suggestions
from boards.gaps import gaps_from_state
from boards.live.commit import Commit
from boards.models import Board, Card, CardKind, Phase, PlanStatus
from boards.schema import KPI_DEFAULTS, KPI_LIMITS, KPI_MAX
from boards.selectors import board_state
from journeymap.models import User

CARD_W, CARD_H, MARGIN, GAP = 180.0, 110.0, 30.0, 30.0


# KPIs


def _kpis(phase: Phase) -> list[dict]:
    return [{**KPI_DEFAULTS, "readings": [], **copy.deepcopy(kpi)} for kpi in phase.kpis]


def _update_kpis(board: Board, phase: Phase, kpis: list[dict], actor: User) -> Commit:
    return board_apply_ops(
        board=board, actor=actor, ops=[{"op": "phase.update", "id": str(phase.pk), "kpis": kpis}]
    )


def kpi_suggestion_accept(*, board: Board, phase: Phase, name: str, actor: User) -> Commit:
    """Add the KPI the phase's framework suggests under `name` to the phase's KPIs (no
    value or target yet), as one revision everyone sees. ValidationError when it is no
    longer suggested (the phase has it already, or was renamed) or the phase is full."""
    offered = {kpi["name"]: kpi for kpi in kpi_suggestions(board, phase)}
    if name not in offered:
        raise ValidationError(_("That KPI is no longer suggested for this phase."))
    kpis = _kpis(phase)
    if len(kpis) >= KPI_MAX:
        raise ValidationError(
            _("A phase holds at most %(limit)d KPIs: remove one first.") % {"limit": KPI_MAX}
        )
    kpis.append({**KPI_DEFAULTS, "name": name, "unit": offered[name]["unit"]})
    return _update_kpis(board, phase, kpis, actor)


def kpi_reading_add(
    *, board: Board, phase: Phase, name: str, on: date, value: float, note: str, actor: User
) -> Commit:
    """Record a reading of the phase's KPI `name`: its figure on the day `on`, with a
    note. The KPI's current value becomes its latest reading's. ValidationError for a KPI
    the phase no longer has, or one with as many readings as a KPI holds."""
    kpis = _kpis(phase)
    kpi = next((kpi for kpi in kpis if kpi["name"] == name), None)
    if kpi is None:
        raise ValidationError(_("The phase no longer has that KPI."))
    if len(kpi["readings"]) >= KPI_LIMITS["readings"]:
        raise ValidationError(
            _("“%(name)s” has %(limit)d readings, as many as a KPI keeps: remove an old one.")
            % {"name": name, "limit": KPI_LIMITS["readings"]}
        )
    kpi["readings"].append({"date": on.isoformat(), "value": float(value), "note": note.strip()})
    kpi["readings"].sort(key=lambda reading: reading["date"])  # stable: a day keeps its order
    kpi["value"] = kpi["readings"][-1]["value"]
    return _update_kpis(board, phase, kpis, actor)


def kpi_reading_remove(*, board: Board, phase: Phase, name: str, index: int, actor: User) -> Commit:
    """Remove the `index`th reading (oldest first) of the phase's KPI `name`; the current
    value follows the latest reading left (and stays as it is when none is left)."""
    kpis = _kpis(phase)
    kpi = next((kpi for kpi in kpis if kpi["name"] == name), None)
    if kpi is None or not 0 <= index < len(kpi["readings"]):
        raise ValidationError(_("That reading is no longer there."))
    del kpi["readings"][index]
    if kpi["readings"]:
        kpi["value"] = kpi["readings"][-1]["value"]
    return _update_kpis(board, phase, kpis, actor)


# The action plan


def action_text(gap: dict, phase_name: str) -> str:
    """What an action planned from `gap` (an item of the gap list) is called at first:
    the answer the gap asks for, for the team to reword."""
    subject = gap.get("subject", "")
    texts = {
        "no_touchpoint": _("Map where customers meet us in %(phase)s"),
        "no_activity": _("Start a first activity in %(phase)s"),
        "uncovered": _("An activity behind “%(subject)s”"),
        "no_kpi": _("Choose the KPI that steers %(phase)s"),
        "kpi_off_target": _("Move “%(subject)s” to its target"),
        "channel": _("Use %(subject)s in %(phase)s"),
        "unknown_kpi": _("Add “%(subject)s” to the KPIs of %(phase)s"),
        "fall_back": _("Catch the customers who fall back from “%(subject)s”"),
    }
    text = texts.get(gap["kind"], _("Close a gap in %(phase)s"))
    return text % {"phase": phase_name, "subject": subject}


def phase_gaps_with_actions(board: Board) -> dict:
    """The gap analysis of the live board with, on each gap, what `plan_from_gap` needs
    to name it again (`key`) and the `action` text it starts from."""
    state = board_state(board)
    gaps = gaps_from_state(state)
    cards = {card["id"]: card for card in state["cards"]}
    for phase in gaps["phases"]:
        for gap in phase["gaps"]:
            gap["key"] = gap_key(gap)
            card = cards.get(gap.get("card", ""))
            gap["subject"] = (
                gap.get("kpi")
                or (gap.get("channel") and _channel_label(gap["channel"]))
                or (card["text"].strip() if card else "")
            )
            gap["action"] = action_text(gap, phase["name"])
    return gaps


def _channel_label(key: str) -> str:
    from boards.models import Channel

    return str(dict(Channel.choices).get(key, key))


def gap_key(gap: dict) -> str:
    """A gap's name in a form: its kind and what it is about (card, arrow, KPI, channel)."""
    about = gap.get("arrow") or gap.get("card") or gap.get("kpi") or gap.get("channel") or ""
    return f"{gap['kind']}:{about}"


def plan_from_gap(
    *,
    board: Board,
    phase: Phase,
    key: str,
    text: str,
    owner: User | None,
    due: date | None,
    actor: User,
) -> Commit:
    """Plan an action against the gap `key` (gap_key) of `phase`: an opportunity card in
    the phase, below its cards, planned, with its owner and due date, aimed at the gap's
    KPI or channel, and linked to the touchpoint the gap is about, as one revision
    everyone sees. ValidationError when the phase has no such gap any more."""
    gaps = phase_gaps_with_actions(board)
    phase_gaps = next((p["gaps"] for p in gaps["phases"] if p["id"] == str(phase.pk)), [])
    gap = next((gap for gap in phase_gaps if gap["key"] == key), None)
    if gap is None:
        raise ValidationError(_("That gap is closed already: nothing was planned."))
    text = text.strip() or gap["action"]
    cards = Card.objects.filter(board=board, phase=phase, deleted=False)
    bottom = max((card.y + card.h for card in cards), default=0.0)
    card_id = str(uuid.uuid4())
    ops = [
        {
            "op": "card.create",
            "id": card_id,
            "kind": CardKind.OPPORTUNITY.value,
            "phase": str(phase.pk),
            "x": MARGIN,
            "y": float(bottom + GAP),
            "w": CARD_W,
            "h": CARD_H,
            "text": text,
            "channel": gap.get("channel", ""),
            "owner": owner.pk if owner else None,
            "kpi": gap.get("kpi", "") if gap["kind"] != "unknown_kpi" else "",
            "status": PlanStatus.PLANNED.value,
            "due": due.isoformat() if due else "",
        }
    ]
    about = (
        Card.objects.filter(
            board=board, pk=gap.get("card"), kind=CardKind.TOUCHPOINT, deleted=False
        ).first()
        if gap.get("card")
        else None
    )
    if about is not None:
        ops.append(
            {"op": "link.create", "id": str(uuid.uuid4()), "from": card_id, "to": str(about.pk)}
        )
    return board_apply_ops(board=board, actor=actor, ops=ops)


def opportunity_set_status(*, board: Board, card: Card, status: str, actor: User) -> Commit:
    """Move an opportunity along the plan: an idea, planned, doing, done."""
    if status not in PlanStatus.values:
        raise ValidationError(_("Choose one of the statuses in the list."))
    return board_apply_ops(
        board=board, actor=actor, ops=[{"op": "card.update", "id": str(card.pk), "status": status}]
    )


def opportunity_make_activity(*, board: Board, card: Card, actor: User) -> Commit:
    """A done opportunity becomes a current activity of the team: its kind changes, its
    links stay, so the touchpoints it serves count as covered and their gaps close."""
    if card.kind != CardKind.OPPORTUNITY or card.status != PlanStatus.DONE:
        raise ValidationError(_("Only a done opportunity becomes a current activity."))
    return board_apply_ops(
        board=board,
        actor=actor,
        ops=[{"op": "card.update", "id": str(card.pk), "kind": CardKind.ACTIVITY.value}],
    )
