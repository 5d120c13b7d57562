"""The one definition of a board's content: cards, arrows, links, phases and their KPIs.

For each of them: the fields on the wire (the names ops and the board state use,
docs/protocol.md), the model column each is stored in, their defaults, limits and
choices, and which model fields the server keeps to itself. Everything that reads or
writes board content takes its field lists from here instead of spelling them out:

- boards.live.protocol (with boards.live.fields) builds its op validators from the
  fields and limits, and the board file import (boards.exports.boardfile) uses them;
- boards.live.batch sets the attributes an op names;
- boards.selectors reads the board state with `.values(*SHAPE.columns)` and turns each
  row into the state's dict with `SHAPE.state`;
- boards.snapshots (restore), boards.actions (templates) and boards.exports (state
  defaults, the board file) copy cards with `SHAPE.attrs`;
- the board pages hand `client_schema()` to the JavaScript (`<script id="board-schema">`).

Limits that are also database constraints stay in boards.models, which this module
reads; the models never import it. tests/test_schema.py fails when a model field is
neither here nor named server-only.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from boards.models import (
    ARROW_LABEL_MAX,
    CARD_TEXT_MAX,
    COORD_LIMIT,
    KPI_NAME_MAX,
    MAX_PHASES,
    MIN_PHASES,
    PHASE_COLOURS,
    PHASE_NAME_MAX,
    SIZE_MAX,
    SIZE_MIN,
    Arrow,
    Card,
    CardKind,
    CardLink,
    Channel,
    Movement,
    Phase,
    PlanStatus,
    Priority,
)

# Limits of the wire that no database constraint repeats.
WEIGHT_MAX = 1_000_000  # an arrow's weight: 0 to this
KPI_MAX = 10  # KPIs of one phase
KPI_UNIT_MAX = 12
KPI_FIGURE_LIMIT = 1e12  # |value|, |target| of a KPI
KPI_READINGS_MAX = 100  # dated readings of one KPI
KPI_NOTE_MAX = 120  # a reading's note

CARD_KINDS: list[str] = list(CardKind.values)
CHANNELS: list[str] = list(Channel.values)
PRIORITIES: list[str] = list(Priority.values)
STATUSES: list[str] = list(PlanStatus.values)
MOVEMENTS: list[str] = list(Movement.values)
# (value, label) for the pages that ask what a move back means.
MOVEMENT_CHOICES: list[tuple[str, str]] = list(Movement.choices)

# Which kinds may stand at each end of a link: the method asks which current activity
# (or planned opportunity) serves which touchpoint, and nothing else.
LINK_SOURCE_KINDS = frozenset({CardKind.ACTIVITY.value, CardKind.OPPORTUNITY.value})
LINK_TARGET_KINDS = frozenset({CardKind.TOUCHPOINT.value})


@dataclass(frozen=True)
class Field:
    """One field of the wire and of the board state.

    `column` is the model attribute it is stored in (what `.values()` names); `ref`
    says what another row it names ("card", "phase", "user"), which a copy into another
    board or installation has to map; `ident` marks a UUID, sent as text; `required`
    marks a field without a default (an op that creates the thing names it). The default
    of the others is the model field's.
    """

    name: str
    column: str = ""
    ref: str = ""
    ident: bool = False
    required: bool = False

    def __post_init__(self) -> None:
        if not self.column:
            object.__setattr__(self, "column", self.name)


class Shape:
    """What one model of board content looks like on the wire and in the board state.

    `fields`: what ops may set, in wire order; `state_only`: what the state carries
    besides, set by the server (the id first); `server_only`: the model fields no client
    sees.
    """

    def __init__(
        self,
        model: type[models.Model],
        *,
        fields: Iterable[Field],
        state_only: Iterable[Field],
        server_only: Iterable[str],
    ) -> None:
        self.model = model
        self.fields = tuple(fields)
        self.state_only = tuple(state_only)
        self.server_only = frozenset(server_only)
        self.names = tuple(f.name for f in self.fields)
        # Fields copied as they are: everything but references to other rows.
        self.plain = tuple(f.name for f in self.fields if not f.ref)
        state = self.state_only[:1] + self.fields + self.state_only[1:]
        self.state_fields = state
        self.state_names = tuple(f.name for f in state)
        self.columns = tuple(f.column for f in state)
        self.defaults = {f.name: _model_default(model, f) for f in self.fields if not f.required}
        self.state_defaults = {
            **self.defaults,
            **{f.name: _model_default(model, f) for f in self.state_only[1:] if not f.required},
        }
        self._columns = {f.name: f.column for f in state}
        self._renames = tuple((f.name, f.column) for f in state if f.name != f.column)
        self._idents = tuple(f.name for f in state if f.ident)

    def state(self, row: dict) -> dict:
        """A `.values(*self.columns)` row as the board state's dict: the row itself, its
        columns renamed to the wire's names and its ids made text. Changed in place
        because the 10,000-card snapshot reads a row per card (a JSON object's key order
        means nothing, so the renamed keys may come last)."""
        for name, column in self._renames:
            row[name] = row.pop(column)
        return self._text_ids(row)

    def of(self, obj: models.Model) -> dict:
        """A model instance as the board state's dict."""
        return self._text_ids(
            {name: getattr(obj, column) for name, column in self._columns.items()}
        )

    def _text_ids(self, item: dict) -> dict:
        for name in self._idents:
            value = item[name]
            if value is not None:
                item[name] = str(value)
        return item

    def attrs(self, data: dict, names: Iterable[str] | None = None) -> dict:
        """Model keyword arguments for the fields `names` (every field of the state by
        default) of `data`, a state or op dict."""
        names = self.state_names if names is None else names
        return {self._columns[name]: data[name] for name in names}

    def column(self, name: str) -> str:
        return self._columns[name]

    def refs(self, to: str) -> tuple[str, ...]:
        """The state's fields that name a row of `to` ("user", "card", "phase")."""
        return tuple(f.name for f in self.state_fields if f.ref == to)


def _model_default(model: type[models.Model], field: Field) -> Any:
    """The default of `field` in the state: the model's (floats as floats)."""
    model_field = model._meta.get_field(field.column)
    value = model_field.get_default()
    if isinstance(model_field, models.FloatField) and value is not None:
        return float(value)
    return value


CARD = Shape(
    Card,
    fields=(
        Field("kind", required=True),
        Field("phase", "phase_id", ref="phase", ident=True),
        Field("x"),
        Field("y"),
        Field("w"),
        Field("h"),
        Field("text"),
        Field("colour"),
        Field("channel"),
        Field("priority"),
        Field("owner", "owner_id", ref="user"),
        Field("kpi"),
        # Set only by a facilitator (boards.live.batch_lock).
        Field("locked"),
        Field("status"),
        Field("due"),
    ),
    state_only=(Field("id", ident=True), Field("author", "author_id", ref="user")),
    # `private` reaches only the card's author, as `private: true` on its own cards
    # (boards/private.py), never as a field of the shape.
    server_only={"board", "deleted", "created", "private"},
)
ARROW = Shape(
    Arrow,
    fields=(
        Field("from", "from_card_id", ref="card", ident=True, required=True),
        Field("to", "to_card_id", ref="card", ident=True, required=True),
        Field("label"),
        Field("weight"),
        # What a backward arrow means (boards.models.Movement); its direction is derived.
        Field("movement"),
    ),
    state_only=(Field("id", ident=True),),
    # Who drew an arrow or a link is not part of the state (docs/protocol.md).
    server_only={"board", "author", "deleted", "created"},
)
LINK = Shape(
    CardLink,
    fields=(
        Field("from", "source_id", ref="card", ident=True, required=True),
        Field("to", "target_id", ref="card", ident=True, required=True),
    ),
    state_only=(Field("id", ident=True),),
    server_only={"board", "author", "deleted", "created"},
)
PHASE = Shape(
    Phase,
    fields=(Field("name", required=True), Field("colour"), Field("kpis"), Field("locked")),
    # `position` is set by phase.create and phase.move, never by phase.update.
    state_only=(Field("id", ident=True), Field("position", required=True)),
    server_only={"board"},
)
# A KPI is an item of Phase.kpis (JSON), not a model of its own.
# `readings`: the KPI's dated readings, oldest first, each {date ("YYYY-MM-DD"), value,
# note}; `value` is the latest reading once there are readings (boards/plans.py). A KPI
# without readings may leave the field out (so it has no default here).
KPI_FIELDS = ("name", "value", "target", "unit", "readings")
KPI_DEFAULTS = {"value": None, "target": None, "unit": ""}
READING_FIELDS = ("date", "value", "note")

CARD_LIMITS = {
    "text": CARD_TEXT_MAX,
    "kpi": KPI_NAME_MAX,
    "size": [SIZE_MIN, SIZE_MAX],
    "coord": COORD_LIMIT,
}
ARROW_LIMITS = {"label": ARROW_LABEL_MAX, "weight": [0, WEIGHT_MAX]}
PHASE_LIMITS = {"name": PHASE_NAME_MAX}
KPI_LIMITS = {
    "name": KPI_NAME_MAX,
    "unit": KPI_UNIT_MAX,
    "figure": KPI_FIGURE_LIMIT,
    "readings": KPI_READINGS_MAX,
    "note": KPI_NOTE_MAX,
}


def _in_order(kinds: frozenset[str]) -> list[str]:
    return [kind for kind in CARD_KINDS if kind in kinds]


def client_schema() -> dict:
    """The schema as the JavaScript reads it from the board pages (JSON-able; a fresh
    copy each call)."""
    return copy.deepcopy(
        {
            "kinds": CARD_KINDS,
            "card": {
                "fields": list(CARD.names),
                "defaults": CARD.defaults,
                "limits": CARD_LIMITS,
                "choices": {"channel": CHANNELS, "priority": PRIORITIES, "status": STATUSES},
            },
            "arrow": {
                "fields": list(ARROW.names),
                "defaults": ARROW.defaults,
                "limits": ARROW_LIMITS,
                "choices": {"movement": MOVEMENTS},
            },
            "link": {
                "fields": list(LINK.names),
                "source_kinds": _in_order(LINK_SOURCE_KINDS),
                "target_kinds": _in_order(LINK_TARGET_KINDS),
            },
            "phase": {
                "fields": list(PHASE.names),
                "min": MIN_PHASES,
                "max": MAX_PHASES,
                "colours": list(PHASE_COLOURS),
                "limits": PHASE_LIMITS,
            },
            "kpi": {
                "fields": list(KPI_FIELDS),
                "defaults": KPI_DEFAULTS,
                "max": KPI_MAX,
                "limits": KPI_LIMITS,
            },
        }
    )
