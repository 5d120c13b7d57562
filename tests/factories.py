"""Test data in one shape: plain functions that make a board and its content with
sensible defaults, so a test names only what it is about.

Cards, arrows and links get their ids from the client in the app (the models have no
default), so these generate one; pass `id=` to choose it. The rows are written straight
to the database, without the op log or a revision: a test that is about committing
goes through `boards.actions` or a socket instead.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db.models import Max

from boards.actions import board_create
from boards.gaps import gaps_from_state
from boards.models import Arrow, Board, Card, CardKind, CardLink, Phase
from journeymap.models import Organisation, User


def make_board(
    org: Organisation,
    user: User,
    *,
    title: str = "Test board",
    framework: str = "clm4",
    **kw: Any,
) -> Board:
    """A board made the way the app makes one (`board_create`): with the phases of
    `framework` (clm4: Awareness, Consideration, Purchase, Loyalty), no cards unless
    `examples=True` or a `template=` is passed."""
    return board_create(organisation=org, title=title, framework=framework, created_by=user, **kw)


def make_phase(
    board: Board, *, name: str | None = None, position: int | None = None, **kw: Any
) -> Phase:
    """A phase after the board's last one, unless `position` says otherwise."""
    if position is None:
        last = board.phases.aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    return Phase.objects.create(
        board=board,
        position=position,
        name=f"Phase {position + 1}" if name is None else name,
        **kw,
    )


def make_card(
    board: Board,
    *,
    kind: str = CardKind.NOTE,
    phase: Phase | None = None,
    text: str = "",
    **kw: Any,
) -> Card:
    """A card on `board`; outside every phase unless `phase` is given."""
    kw.setdefault("id", uuid.uuid4())
    return Card.objects.create(board=board, kind=kind, phase=phase, text=text, **kw)


def make_arrow(board: Board, from_card: Card, to_card: Card, **kw: Any) -> Arrow:
    """An arrow (customers moving) from one card to another of `board`."""
    kw.setdefault("id", uuid.uuid4())
    return Arrow.objects.create(board=board, from_card=from_card, to_card=to_card, **kw)


def make_link(board: Board, source: Card, target: Card, **kw: Any) -> CardLink:
    """A link (an activity or opportunity that serves a touchpoint) between two cards."""
    kw.setdefault("id", uuid.uuid4())
    return CardLink.objects.create(board=board, source=source, target=target, **kw)


class StateBoard:
    """A board state built by hand, of the shape board_state returns, for the gap
    analysis (boards/gaps.py) without a database."""

    def __init__(self, *phase_names: str, framework: str = "clm4") -> None:
        self.state = {
            "board": {"id": "b", "title": "Hand-made", "framework": framework, "stage": ""},
            "phases": [
                {"id": f"p{n}", "position": n, "name": name, "colour": "#dbeafe", "kpis": []}
                for n, name in enumerate(phase_names)
            ],
            "cards": [],
            "arrows": [],
            "links": [],
        }

    def phase(self, n: int) -> str:
        return self.state["phases"][n]["id"]

    def card(self, kind: str, phase: int | None, text: str = "", **fields) -> str:
        ident = f"c{len(self.state['cards'])}"
        self.state["cards"].append(
            {
                "id": ident,
                "kind": kind,
                "phase": None if phase is None else self.phase(phase),
                "x": 0,
                "y": 10 * len(self.state["cards"]),
                "w": 180,
                "h": 110,
                "text": text or ident,
                "colour": "",
                "channel": fields.pop("channel", ""),
                "priority": fields.pop("priority", ""),
                "owner": fields.pop("owner", None),
                "kpi": fields.pop("kpi", ""),
                "author": None,
            }
        )
        return ident

    def link(self, start: str, end: str) -> str:
        ident = f"l{len(self.state['links'])}"
        self.state["links"].append({"id": ident, "from": start, "to": end})
        return ident

    def arrow(
        self, start: str, end: str, *, weight=None, label: str = "", movement: str = "fall_back"
    ) -> str:
        ident = f"a{len(self.state['arrows'])}"
        self.state["arrows"].append(
            {
                "id": ident,
                "from": start,
                "to": end,
                "label": label,
                "weight": weight,
                "movement": movement,
            }
        )
        return ident

    def gaps(self) -> dict:
        result = gaps_from_state(self.state)
        json.dumps(result)  # serialisable as it stands
        return result
