"""The gap analysis and the strategy overview, computed in one place from a board state.

Both take the dict that boards.selectors.board_state returns (the protocol's snapshot,
docs/protocol.md "Board state") rather than the database, so that the side panel, the
canvas marks, a frozen snapshot and an export all compute the same answer from the same
input, and so that the rules can be tested on hand-made boards. Nothing here reads the
database; the results are plain JSON-serialisable dicts.

The rules of the workshop method's gap analysis, each a kind of item in the one gap
list (`gaps` per phase and for the board) that the panel, the canvas marks, the PDF,
the CSV and the JSON export all show:
- `uncovered`: a touchpoint no live current *activity* links to. An opportunity is a
  plan, not something the team does yet, so its link covers nothing; a suggestion
  (boards.frameworks) is not on the board at all.
- `no_touchpoint`, `no_activity`: a phase with no touchpoint, or with no activity placed
  in it. An activity placed in another phase may serve this phase's touchpoints, so the
  phase can be covered and still have none of its own: the wording says so then.
- `no_kpi`: a phase with no KPI to steer it by; `kpi_off_target`: a KPI whose value is
  not its target.
- `channel`: a channel the team uses in other phases, with nothing in this one where
  the framework suggests it.
- `unknown_kpi`: an opportunity naming a KPI its phase does not list.
- `fall_back`: an arrow to an earlier phase that says customers fall back (a loss,
  boards.models.Movement), leaving a touchpoint no activity serves. A handled fall-back,
  a return to buy again and a reactivation are movement, not gaps: the loops the method
  aims for, listed per phase with the flow shares (weights) that move on, fall back and
  return.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from boards.frameworks import phase_examples_for
from boards.gap_list import movement_sentence, phase_gaps
from boards.models import Channel, Movement, PlanStatus, Priority

# Strategy groups, most urgent first; "" (no priority set) last.
PRIORITY_ORDER = [Priority.HIGH, Priority.MEDIUM, Priority.LOW, Priority.NONE]

# Coverage from which a phase reads as "good", and as "fair" (below it, "poor").
GOOD_COVERAGE = 80
FAIR_COVERAGE = 40


def _coverage(covered: int, touchpoints: int) -> int | None:
    # Rounded down, so that 100 means every touchpoint is covered (199 of 200 is 99).
    return None if touchpoints == 0 else covered * 100 // touchpoints


def coverage_tone(coverage: int | None) -> str | None:
    """How a coverage percentage reads: "good", "fair" or "poor"; None for a phase with
    no touchpoints (nothing to cover). The one place the thresholds live: the gap panel,
    the canvas marks (`tone` in board_gap_marks) and the exports all read it from here."""
    if coverage is None:
        return None
    if coverage >= GOOD_COVERAGE:
        return "good"
    return "fair" if coverage >= FAIR_COVERAGE else "poor"


def _reading_order(card: dict) -> tuple:
    return (card["y"], card["x"], card["id"])


def _phases_in_order(state: dict) -> list[dict]:
    return sorted(state["phases"], key=lambda phase: phase["position"])


def _live_links(state: dict, cards: dict[str, dict]) -> list[dict]:
    """Links whose both ends are live cards of the state (a state holds no deleted ones,
    but a hand-made or older one might)."""
    return [
        link for link in state.get("links", []) if link["from"] in cards and link["to"] in cards
    ]


def _movement(arrow: dict) -> str:
    return arrow.get("movement") or Movement.FALL_BACK.value


def gaps_from_state(state: dict) -> dict:
    """The gap analysis of a board state. Returns:

    - `phases`: per phase in order, {id, name, colour, position, touchpoints, activities,
      opportunities, covered_touchpoints, coverage (0 to 100, None without touchpoints),
      tone (coverage_tone of coverage), uncovered [{id, text}], no_activity,
      no_touchpoint, no_kpi, backward [{id, from_text, from_card, to_card, to_phase,
      to_phase_id, weight, label, movement, handled, sentence}] (the backward arrows
      leaving the phase, with what each says), loops (those of them that are no gap: a
      handled fall-back, a return, a reactivation), flows {on, back, returning} (arrows
      leaving the phase to a later one, and to an earlier one as a loss or as a return
      or reactivation: each {arrows, weight}, the weights summed), kpis, gaps (the
      phase's part of the gap list)};
    - `gaps`: the gap list of the board, phase by phase: each {kind, phase, message}
      (message in the active language), with `card` or `arrow` when one card or arrow
      is its subject, and `kpi` or `channel` when it is about one;
    - `totals`: the same counts over all phases, with `coverage`, `uncovered`,
      `phases_without_activity`, `phases_without_touchpoint`, `phases_without_kpi`,
      `backward_arrows`, `unhandled_fall_backs`, `gaps` (the length of the list);
    - `uncovered_ids`: every uncovered touchpoint, inside a phase or not (for the marks on
      the board);
    - `outside`: cards standing outside every phase, counted apart {touchpoints,
      activities, opportunities, notes, covered_touchpoints, uncovered};
    - `matrix`: {channels [{key, label}], phases [{id, name}], rows [{key, label, cells
      [{phase, count, empty, suggested}], total, outside}]}: activities per channel and
      phase, one row per channel (and a last one for activities with no channel);
      `suggested` marks what the framework suggests a team could do there.
    """
    phases = _phases_in_order(state)
    phase_ids = {phase["id"] for phase in phases}
    position = {phase["id"]: phase["position"] for phase in phases}
    cards = {card["id"]: card for card in state["cards"]}
    framework = state.get("board", {}).get("framework", "")

    def where(card: dict) -> str | None:
        return card["phase"] if card["phase"] in phase_ids else None

    covered = {
        link["to"]
        for link in _live_links(state, cards)
        if cards[link["from"]]["kind"] == "activity" and cards[link["to"]]["kind"] == "touchpoint"
    }
    by_phase: dict[str | None, list[dict]] = defaultdict(list)
    for card in sorted(state["cards"], key=_reading_order):
        by_phase[where(card)].append(card)

    backward: dict[str, list[dict]] = defaultdict(list)
    flows: dict[str, dict] = {
        phase["id"]: {key: {"arrows": 0, "weight": 0.0} for key in ("on", "back", "returning")}
        for phase in phases
    }
    for arrow in state.get("arrows", []):
        start, end = cards.get(arrow["from"]), cards.get(arrow["to"])
        if start is None or end is None or where(start) is None or where(end) is None:
            continue
        step = position[where(end)] - position[where(start)]
        movement = _movement(arrow)
        if step == 0:
            continue
        flow = "on" if step > 0 else "back" if movement == Movement.FALL_BACK else "returning"
        flows[where(start)][flow]["arrows"] += 1
        flows[where(start)][flow]["weight"] += arrow.get("weight") or 0.0
        if step < 0:
            target = next(p for p in phases if p["id"] == where(end))
            backward[where(start)].append(
                {
                    "id": arrow["id"],
                    "from_card": start["id"],
                    "from_text": start["text"],
                    "to_card": end["id"],
                    "to_phase": target["name"],
                    "to_phase_id": target["id"],
                    "weight": arrow.get("weight"),
                    "label": arrow.get("label", ""),
                    "movement": movement,
                    # The team catches customers where an activity serves the touchpoint
                    # they leave (or where they leave an activity itself).
                    "handled": start["id"] in covered or start["kind"] == "activity",
                }
            )
            backward[where(start)][-1]["sentence"] = movement_sentence(backward[where(start)][-1])

    def counts(members: list[dict]) -> dict:
        kinds = Counter(card["kind"] for card in members)
        touchpoints = [card for card in members if card["kind"] == "touchpoint"]
        uncovered = [
            {"id": card["id"], "text": card["text"]}
            for card in touchpoints
            if card["id"] not in covered
        ]
        return {
            "touchpoints": len(touchpoints),
            "activities": kinds["activity"],
            "opportunities": kinds["opportunity"],
            "covered_touchpoints": len(touchpoints) - len(uncovered),
            "coverage": _coverage(len(touchpoints) - len(uncovered), len(touchpoints)),
            "uncovered": uncovered,
        }

    used_channels = {
        card["channel"]
        for card in state["cards"]
        if card["kind"] == "activity" and card["channel"] and where(card) is not None
    }
    suggested = {
        phase["id"]: {
            activity.channel
            for activity in phase_examples_for(
                framework, phase["name"], phase["position"]
            ).activities
        }
        for phase in phases
    }
    labels = dict(Channel.choices)

    result_phases = []
    for phase in phases:
        members = by_phase[phase["id"]]
        numbers = counts(members)
        item = {
            "id": phase["id"],
            "name": phase["name"],
            "colour": phase["colour"],
            "position": phase["position"],
            **numbers,
            "tone": coverage_tone(numbers["coverage"]),
            "no_activity": numbers["activities"] == 0,
            "no_touchpoint": numbers["touchpoints"] == 0,
            "no_kpi": not phase.get("kpis"),
            "backward": backward[phase["id"]],
            # The movement back that is no gap: handled fall-backs, returns, reactivations.
            "loops": [
                arrow
                for arrow in backward[phase["id"]]
                if arrow["movement"] != Movement.FALL_BACK or arrow["handled"]
            ],
            "flows": flows[phase["id"]],
            "kpis": [dict(kpi) for kpi in phase.get("kpis", [])],
        }
        here = {card["channel"] for card in members if card["kind"] == "activity"}
        missing = [
            key
            for key, _label in Channel.choices
            if key in used_channels and key in suggested[phase["id"]] and key not in here
        ]
        item["gaps"] = phase_gaps(item, members, missing, labels)
        result_phases.append(item)

    outside_numbers = counts(by_phase[None])
    outside = {
        **{key: outside_numbers[key] for key in ("touchpoints", "activities", "opportunities")},
        "notes": sum(1 for card in by_phase[None] if card["kind"] == "note"),
        "covered_touchpoints": outside_numbers["covered_touchpoints"],
        "uncovered": outside_numbers["uncovered"],
    }

    gap_list = [gap for phase in result_phases for gap in phase["gaps"]]
    touchpoints = sum(p["touchpoints"] for p in result_phases)
    covered_total = sum(p["covered_touchpoints"] for p in result_phases)
    totals = {
        "phases": len(result_phases),
        "touchpoints": touchpoints,
        "activities": sum(p["activities"] for p in result_phases),
        "opportunities": sum(p["opportunities"] for p in result_phases),
        "covered_touchpoints": covered_total,
        "coverage": _coverage(covered_total, touchpoints),
        "uncovered": touchpoints - covered_total,
        "phases_without_activity": sum(p["no_activity"] for p in result_phases),
        "phases_without_touchpoint": sum(p["no_touchpoint"] for p in result_phases),
        "phases_without_kpi": sum(p["no_kpi"] for p in result_phases),
        "backward_arrows": sum(len(p["backward"]) for p in result_phases),
        "unhandled_fall_backs": sum(gap["kind"] == "fall_back" for gap in gap_list),
        "gaps": len(gap_list),
    }
    uncovered_ids = [item["id"] for p in [*result_phases, outside] for item in p["uncovered"]]
    return {
        "phases": result_phases,
        "gaps": gap_list,
        "totals": totals,
        "uncovered_ids": uncovered_ids,
        "outside": outside,
        "matrix": _channel_matrix(phases, by_phase, suggested),
    }


def _channel_matrix(phases: list[dict], by_phase: dict, suggested: dict) -> dict:
    # Every channel a team can map to, so an unused one shows as a row of empty cells;
    # activities without a channel last, so the rows add up to all activities.
    channels = [(key, label) for key, label in Channel.choices if key] + [
        (Channel.NONE.value, Channel.NONE.label)
    ]
    rows = []
    for key, label in channels:
        cells = []
        for phase in phases:
            count = sum(
                1
                for card in by_phase[phase["id"]]
                if card["kind"] == "activity" and card["channel"] == key
            )
            cells.append(
                {
                    "phase": phase["id"],
                    "count": count,
                    "empty": count == 0,
                    "suggested": key in suggested[phase["id"]],
                }
            )
        outside = sum(
            1 for card in by_phase[None] if card["kind"] == "activity" and card["channel"] == key
        )
        rows.append(
            {
                "key": key,
                "label": str(label),
                "cells": cells,
                "total": sum(cell["count"] for cell in cells),
                "outside": outside,
            }
        )
    return {
        "channels": [{"key": key, "label": str(label)} for key, label in channels],
        "phases": [{"id": phase["id"], "name": phase["name"]} for phase in phases],
        "rows": rows,
    }


def strategy_from_state(state: dict) -> dict:
    """The opportunities of a board state, for the strategy step: per phase in order
    {id, name, colour, kpis, count, groups}, where `groups` holds one entry per priority,
    most urgent first ({priority, label, opportunities}, empty lists included so every
    phase has the same shape). Each opportunity is {id, text, priority, owner (user id or
    None), kpi, kpi_known (whether its phase lists a KPI of that name), status,
    status_label, due (the action plan: boards/plans.py), touchpoints [{id, text}] (the
    touchpoints it is linked to)}. Opportunities outside every phase are
    in `outside`, grouped the same way; `total` counts them all."""
    phases = _phases_in_order(state)
    phase_ids = {phase["id"] for phase in phases}
    cards = {card["id"]: card for card in state["cards"]}
    serves: dict[str, list[dict]] = defaultdict(list)
    for link in _live_links(state, cards):
        target = cards[link["to"]]
        if target["kind"] == "touchpoint":
            serves[link["from"]].append({"id": target["id"], "text": target["text"]})

    by_phase: dict[str | None, list[dict]] = defaultdict(list)
    for card in sorted(state["cards"], key=_reading_order):
        if card["kind"] == "opportunity":
            by_phase[card["phase"] if card["phase"] in phase_ids else None].append(card)

    status_labels = dict(PlanStatus.choices)

    def groups(members: list[dict], kpi_names: set[str]) -> list[dict]:
        return [
            {
                "priority": priority.value,
                "label": str(priority.label),
                "opportunities": [
                    {
                        "id": card["id"],
                        "text": card["text"],
                        "priority": card.get("priority", ""),
                        "owner": card.get("owner"),
                        "kpi": card.get("kpi", ""),
                        "kpi_known": card.get("kpi", "").casefold() in kpi_names,
                        "status": card.get("status", ""),
                        "status_label": str(status_labels.get(card.get("status", ""), "")),
                        "due": card.get("due", ""),
                        "touchpoints": serves[card["id"]],
                    }
                    for card in members
                    if card.get("priority", "") == priority.value
                ],
            }
            for priority in PRIORITY_ORDER
        ]

    result = []
    for phase in phases:
        kpis = phase.get("kpis", [])
        result.append(
            {
                "id": phase["id"],
                "name": phase["name"],
                "colour": phase["colour"],
                "kpis": [dict(kpi) for kpi in kpis],
                "count": len(by_phase[phase["id"]]),
                "groups": groups(by_phase[phase["id"]], {k["name"].casefold() for k in kpis}),
            }
        )
    return {
        "phases": result,
        "outside": {"count": len(by_phase[None]), "groups": groups(by_phase[None], set())},
        "total": sum(len(members) for members in by_phase.values()),
    }
