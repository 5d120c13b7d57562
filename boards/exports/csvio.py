"""The cards of a board as a CSV table, for a spreadsheet.

UTF-8 with a byte order mark, because Excel reads a CSV without one in the machine's
legacy code page and turns "åäö" into mojibake. Every cell that a spreadsheet would take
for a formula (it starts with =, +, -, @, a tab or a carriage return) is prefixed with
an apostrophe: card text is anyone's input, and "=HYPERLINK(…)" in a cell must stay text
(OWASP, "CSV injection").

The separator follows the language: a semicolon where the decimal separator is a comma
(Swedish, Finnish, German), as Excel there expects, so the file opens as columns; a
comma in English.
"""

from __future__ import annotations

import csv
import io

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from boards.exports.state import (
    channel_label,
    complete_state,
    kind_label,
    priority_label,
    status_label,
)
from boards.gaps import gaps_from_state
from boards.schema import LINK_TARGET_KINDS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value` as a spreadsheet shows it, never as a formula it would run."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def separator() -> str:
    """The list separator of the active language's spreadsheets."""
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


def board_csv(state: dict, *, names: dict[int, str], votes: list[dict] | None = None) -> bytes:
    """One row per live card of `state`, phase by phase in the order of the line, top to
    bottom within a phase (cards outside every phase last), with the gaps that name the
    card in its last column; then one row per gap of a phase as a whole (kind "Gap"), so
    the file holds the board's whole gap list (boards/gaps.py). `names` maps user ids to
    the names shown for owners and authors. With `votes` (boards.workshop.vote_export),
    a "Votes" column holds each card's dots in the latest of them, for sorting by it."""
    state = complete_state(state)
    gap_list = gaps_from_state(state)["gaps"]
    about: dict[str, list[str]] = {}
    for gap in gap_list:
        if "card" in gap:
            about.setdefault(gap["card"], []).append(gap["message"])
    position = {phase["id"]: index for index, phase in enumerate(state["phases"])}
    phase_names = {phase["id"]: phase["name"] for phase in state["phases"]}
    cards = {card["id"]: card for card in state["cards"]}
    serves: dict[str, list[str]] = {}
    for link in state["links"]:
        target = cards.get(link["to"])
        if link["from"] in cards and target is not None and target["kind"] in LINK_TARGET_KINDS:
            serves.setdefault(link["from"], []).append(target["text"].strip())

    def order(card: dict) -> tuple:
        index = position.get(card["phase"])
        return (index is None, index or 0, card["y"], card["x"], card["id"])

    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator(), lineterminator="\r\n")
    writer.writerow(
        [
            _("Phase"),
            _("Kind"),
            _("Text"),
            _("Channel"),
            _("Linked touchpoints"),
            _("Priority"),
            _("KPI"),
            pgettext("opportunity", "Owner"),
            _("Status"),
            _("Due date"),
            _("Author"),
            _("Gaps"),
            *([_("Votes")] if votes else []),
        ]
    )
    dots = {row["card"]: row["count"] for row in votes[-1]["results"]} if votes else {}
    outside = _("Outside the line")
    for card in sorted(state["cards"], key=order):
        row = [
            phase_names.get(card["phase"], outside),
            kind_label(card["kind"]),
            card["text"],
            channel_label(card["channel"]),
            "; ".join(serves.get(card["id"], [])),
            priority_label(card["priority"]),
            card["kpi"],
            names.get(card["owner"], "") if card["owner"] is not None else "",
            status_label(card) if card["kind"] == "opportunity" else "",
            card["due"],
            names.get(card["author"], "") if card["author"] is not None else "",
            "; ".join(about.get(card["id"], [])),
            *([dots.get(card["id"], 0)] if votes else []),
        ]
        writer.writerow([safe_cell(str(cell)) for cell in row])
    for gap in gap_list:
        if "card" not in gap:
            row = [phase_names[gap["phase"]], _("Gap"), gap["message"], *[""] * 9]
            row += [""] if votes else []
            writer.writerow([safe_cell(str(cell)) for cell in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
