"""A board that uses every feature the exports carry, and helpers to compare board files,
shared by tests/test_exports.py and tests/test_import.py."""

from __future__ import annotations

import copy
import uuid

from boards.actions import board_apply_ops, board_create
from boards.models import Board
from journeymap.models import Organisation, User

HOSTILE = "<script>alert(\"x\")</script> & 'quotes' ]]> <!-- -->"
NORDIC = "Kundtjänst åäö ÅÄÖ Straße ß"
EMOJI = "Launch party 🎉 with 😀"
HEBREW = "שלום עולם: דף הבית"
ARABIC = "مرحبا بالعالم 2025"


def make_full_board(org: Organisation, members: dict[str, User]) -> tuple[Board, dict]:
    """A board with phases with KPIs, every card kind with channel, priority, owner and
    KPI, forward, backward and within-phase arrows with labels and weights, links, a
    stage, a card outside the line, and hostile and non-Latin text. Returns the board and
    {name: id} of its cards."""
    owner = members["owner"]
    board = board_create(
        organisation=org, title="Webshop lifecycle åäö", framework="clm4", created_by=owner
    )
    phases = [str(p.id) for p in board.phases.order_by("position")]
    ids = {
        name: str(uuid.uuid4())
        for name in (
            "instagram",
            "search",
            "hebrew",
            "checkout",
            "arabic",
            "welcome",
            "retarget",
            "note",
            "reminder",
            "referral",
            "parking",
        )
    }
    card = {"op": "card.create"}
    ops = [
        {"op": "board.update", "stage": "strategy"},
        {
            "op": "phase.update",
            "id": phases[0],
            "kpis": [
                {"name": "Website traffic", "value": 12000, "target": 20000, "unit": "visits"},
                {"name": "Social impressions", "value": None, "target": 50000, "unit": ""},
            ],
        },
        {
            "op": "phase.update",
            "id": phases[2],
            "colour": "#fde68a",
            "kpis": [
                {"name": "Cart abandonment rate", "value": 70.5, "target": 55, "unit": "%",
                 "readings": [
                     {"date": "2026-01-05", "value": 78, "note": "before the reminder"},
                     {"date": "2026-02-02", "value": 74.2},
                     {"date": "2026-03-02", "value": 70.5, "note": "reminder live"},
                 ]},
            ],
        },
        {**card, "id": ids["instagram"], "kind": "touchpoint", "phase": phases[0], "x": 30,
         "y": 30, "h": 180, "text": f"Instagram ad {HOSTILE}", "channel": "social"},
        {**card, "id": ids["search"], "kind": "touchpoint", "phase": phases[0], "x": 240,
         "y": 30, "h": 160, "text": f"{NORDIC} {EMOJI}", "channel": "search"},
        {**card, "id": ids["hebrew"], "kind": "touchpoint", "phase": phases[1], "x": 30,
         "y": 30, "text": HEBREW},
        {**card, "id": ids["arabic"], "kind": "touchpoint", "phase": phases[1], "x": 240,
         "y": 30, "text": ARABIC},
        {**card, "id": ids["checkout"], "kind": "touchpoint", "phase": phases[2], "x": 30,
         "y": 30, "text": "Checkout page"},
        {**card, "id": ids["welcome"], "kind": "activity", "phase": phases[0], "x": 30,
         "y": 260, "h": 140, "text": "Welcome e-mail series", "channel": "email",
         "colour": "#BBF7D0"},
        {**card, "id": ids["retarget"], "kind": "activity", "phase": phases[1], "x": 30,
         "y": 260, "text": "=HYPERLINK(\"http://evil\")", "channel": "display"},
        {**card, "id": ids["note"], "kind": "note", "phase": phases[1], "x": 240, "y": 260,
         "text": "Ask analytics\nfor real numbers"},
        {**card, "id": ids["reminder"], "kind": "opportunity", "phase": phases[2], "x": 240,
         "y": 260, "text": "Cart reminder after 1 hour", "priority": "high",
         "owner": members["editor"].pk, "kpi": "Cart abandonment rate", "channel": "email",
         "status": "planned", "due": "2026-06-30"},
        {**card, "id": ids["referral"], "kind": "opportunity", "phase": phases[3], "x": 30,
         "y": 260, "text": "Referral programme", "priority": "medium",
         "owner": members["viewer"].pk},
        {**card, "id": ids["parking"], "kind": "note", "phase": None, "x": 2000, "y": 40,
         "text": "Parking lot: outside the line", "w": 200, "h": 90},
        {"op": "arrow.create", "id": str(uuid.uuid4()), "from": ids["instagram"],
         "to": ids["hebrew"], "label": "40%", "weight": 1200},
        {"op": "arrow.create", "id": str(uuid.uuid4()), "from": ids["checkout"],
         "to": ids["search"], "label": "comparison", "weight": 80.5},
        {"op": "arrow.create", "id": str(uuid.uuid4()), "from": ids["instagram"],
         "to": ids["search"]},
        {"op": "link.create", "id": str(uuid.uuid4()), "from": ids["welcome"],
         "to": ids["instagram"]},
        {"op": "link.create", "id": str(uuid.uuid4()), "from": ids["retarget"],
         "to": ids["hebrew"]},
        {"op": "link.create", "id": str(uuid.uuid4()), "from": ids["reminder"],
         "to": ids["checkout"]},
    ]  # fmt: skip
    board_apply_ops(board=board, actor=owner, ops=ops)
    board.refresh_from_db()
    return board, ids


def without_ids(document: dict) -> dict:
    """A board file with every id replaced by the place of what it names, and without
    the export time and the board's id: what must survive an import unchanged."""
    document = copy.deepcopy(document)
    phases = {p["id"]: index for index, p in enumerate(document["phases"])}
    cards = {c["id"]: index for index, c in enumerate(document["cards"])}
    document.pop("exported")
    document["board"].pop("id")
    for phase in document["phases"]:
        phase.pop("id")
    for card in document["cards"]:
        card.pop("id")
        card["phase"] = phases.get(card["phase"])
    arrows = {a["id"]: index for index, a in enumerate(document["arrows"])}
    for item in [*document["arrows"], *document["links"]]:
        item.pop("id")
        item["from"], item["to"] = cards[item["from"]], cards[item["to"]]
    for gap in document.get("gaps", []):
        gap["phase"] = phases[gap["phase"]]
        if "card" in gap:
            gap["card"] = cards[gap["card"]]
        if "arrow" in gap:
            gap["arrow"] = arrows[gap["arrow"]]
    return document
