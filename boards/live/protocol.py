"""The wire protocol's schema: parse and validate client frames and ops.

Validation here is about shape (types, ranges, lengths, allowed fields; the field
validators are boards.live.fields, the fields and limits boards.schema's), decided
without the database. Whether ids exist, cards are alive and phase counts hold is
decided in boards.live.commit, inside the transaction. docs/protocol.md is the reference.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from boards.live.fields import (
    ProtocolError,
    boolean,
    choice,
    colour,
    integer,
    kpis,
    number,
    object_fields,
    optional_date,
    optional_number,
    optional_user,
    optional_uuid,
    phase_colour,
    shown,
    storable,
    text,
    trimmed_text,
    uuid_field,
)
from boards.live.parts import bundles
from boards.models import MAX_PHASES, TITLE_MAX, Stage
from boards.schema import (
    ARROW,
    ARROW_LIMITS,
    CARD,
    CARD_KINDS,
    CARD_LIMITS,
    CHANNELS,
    MOVEMENTS,
    PHASE,
    PHASE_LIMITS,
    PRIORITIES,
    STATUSES,
)

# ProtocolError is what clean_op and parse_frame raise: callers catch it from here.
__all__ = [
    "ARROW_DEFAULTS",
    "ARROW_FIELDS",
    "CARD_DEFAULTS",
    "CARD_FIELDS",
    "OP_SCHEMAS",
    "PHASE_FIELDS",
    "ProtocolError",
    "clean_op",
    "dumps_frame",
    "parse_frame",
    "patch_texts",
    "view",
]

SELECTION_MAX = 500
CLIENT_FRAMES = {"sync", "op", "presence", "ping", "facilitate"}
REF_MAX = 64  # the length of a facilitate frame's `ref`


_COORD_LIMIT = CARD_LIMITS["coord"]
_SIZE_MIN, _SIZE_MAX = CARD_LIMITS["size"]
_WEIGHT_MIN, _WEIGHT_MAX = ARROW_LIMITS["weight"]

# One validator per field of boards.schema; the field lists, their order and the
# defaults are the schema's (a field the schema gains and this does not check fails here,
# on import).
_CARD_CHECKS: dict[str, Callable] = {
    "kind": choice(CARD_KINDS),
    "phase": optional_uuid,
    "x": number(-_COORD_LIMIT, _COORD_LIMIT),
    "y": number(-_COORD_LIMIT, _COORD_LIMIT),
    "w": number(_SIZE_MIN, _SIZE_MAX),
    "h": number(_SIZE_MIN, _SIZE_MAX),
    "text": text(CARD_LIMITS["text"]),
    "colour": colour,
    "channel": choice(CHANNELS),
    "priority": choice(PRIORITIES),
    "owner": optional_user,
    "kpi": trimmed_text(CARD_LIMITS["kpi"]),
    "locked": boolean,
    "status": choice(STATUSES),
    "due": optional_date,
}
CARD_FIELDS: dict[str, Callable] = {name: _CARD_CHECKS[name] for name in CARD.names}
CARD_DEFAULTS = dict(CARD.defaults)
_ARROW_CHECKS: dict[str, Callable] = {
    "from": uuid_field,
    "to": uuid_field,
    "label": text(ARROW_LIMITS["label"]),
    "weight": optional_number(_WEIGHT_MIN, _WEIGHT_MAX),
    "movement": choice(MOVEMENTS),
}
# What arrow.update may change besides its ends (`from` and `to` are references).
ARROW_FIELDS: dict[str, Callable] = {name: _ARROW_CHECKS[name] for name in ARROW.plain}
ARROW_DEFAULTS = dict(ARROW.defaults)
_PHASE_CHECKS: dict[str, Callable] = {
    "name": text(PHASE_LIMITS["name"], required=True),
    "colour": phase_colour,
    "kpis": kpis,
    "locked": boolean,
}
PHASE_FIELDS: dict[str, Callable] = {name: _PHASE_CHECKS[name] for name in PHASE.names}
POSITION = integer(0, MAX_PHASES - 1)

# op name -> (required fields, optional fields, defaults, at least one optional)
OP_SCHEMAS: dict[str, tuple[dict, dict, dict, bool]] = {
    "card.create": (
        {"id": uuid_field, "kind": CARD_FIELDS["kind"]},
        {k: v for k, v in CARD_FIELDS.items() if k != "kind"},
        CARD_DEFAULTS,
        False,
    ),
    # `base`: the text a text edit started from (docs/protocol.md, "Concurrent text").
    "card.update": (
        {"id": uuid_field},
        {**CARD_FIELDS, "base": text(CARD_LIMITS["text"])},
        {},
        True,
    ),
    "card.delete": ({"id": uuid_field}, {}, {}, False),
    "card.restore": ({"id": uuid_field}, {}, {}, False),
    "arrow.create": (
        {"id": uuid_field, "from": _ARROW_CHECKS["from"], "to": _ARROW_CHECKS["to"]},
        ARROW_FIELDS,
        ARROW_DEFAULTS,
        False,
    ),
    "arrow.update": (
        {"id": uuid_field},
        {"from": _ARROW_CHECKS["from"], "to": _ARROW_CHECKS["to"], **ARROW_FIELDS},
        {},
        True,
    ),
    "arrow.delete": ({"id": uuid_field}, {}, {}, False),
    "arrow.restore": ({"id": uuid_field}, {}, {}, False),
    "phase.create": (
        {"id": uuid_field, "name": PHASE_FIELDS["name"], "position": POSITION},
        {k: v for k, v in PHASE_FIELDS.items() if k != "name"},
        {"kpis": []},
        False,
    ),
    "phase.update": ({"id": uuid_field}, PHASE_FIELDS, {}, True),
    "phase.move": ({"id": uuid_field, "position": POSITION}, {}, {}, False),
    "phase.delete": (
        {"id": uuid_field, "cards": choice(["move", "delete"])},
        {"to": uuid_field},
        {},
        False,
    ),
    "board.update": (
        {},
        {
            "title": text(TITLE_MAX, required=True),
            "stage": choice(Stage.values),
            "locked": boolean,
        },
        {},
        True,
    ),
    # Links carry no fields of their own: which kinds may stand at each end is a rule of
    # the board (boards.live.commit), not of the op's shape.
    "link.create": ({"id": uuid_field, "from": uuid_field, "to": uuid_field}, {}, {}, False),
    "link.delete": ({"id": uuid_field}, {}, {}, False),
    "link.restore": ({"id": uuid_field}, {}, {}, False),
}


def clean_op(data: Any) -> dict:
    if not isinstance(data, dict):
        raise ProtocolError("invalid", _("Each op must be an object."))
    name = data.get("op")
    if not isinstance(name, str) or name not in OP_SCHEMAS:
        raise ProtocolError(
            "unknown_op", _("“%(op)s” is not an op this server knows.") % {"op": shown(name)}
        )
    required, optional, defaults, at_least_one = OP_SCHEMAS[name]
    body = {k: v for k, v in data.items() if k != "op"}
    cleaned = object_fields(
        body,
        required=required,
        optional=optional,
        defaults=defaults,
        where=_("The op %(op)s") % {"op": name},
        at_least_one=at_least_one,
    )
    if name == "card.update" and "base" in cleaned and "text" not in cleaned:
        raise ProtocolError("invalid", _("“base” goes with “text”: the text it was edited from."))
    if name == "phase.delete" and cleaned["cards"] == "move" and "to" not in cleaned:
        raise ProtocolError("invalid", _("Say which phase the cards move “to”."))
    return {"op": name, **cleaned}


def dumps_frame(frame: dict) -> str:
    """A server frame as the text of one WebSocket message (compact, UTF-8 as is)."""
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def patch_texts(patches: list[dict], limit: int) -> list[str]:
    """The messages that tell every page about `patches` (in revision order): the patch
    itself, or `bundle`s of several, each under `limit` bytes if it can be
    (boards.live.parts)."""
    return bundles([dumps_frame(patch) for patch in patches], limit)


def parse_frame(text_data: str, *, max_ops: int) -> dict:
    """Decode and validate one client frame. Raises ProtocolError."""
    try:
        frame = json.loads(text_data)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", _("That message is not valid JSON.")) from None
    if not isinstance(frame, dict):
        raise ProtocolError("bad_json", _("A message must be a JSON object."))
    kind = frame.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_FRAMES:
        raise ProtocolError(
            "unknown_type",
            _("“%(type)s” is not a message type this server knows.") % {"type": shown(kind)},
        )
    body = {k: v for k, v in frame.items() if k != "type"}
    if kind == "op":
        op_id = body.get("op_id")
        op_id_text = shown(op_id, 64) if isinstance(op_id, str) else None
        try:
            cleaned = object_fields(
                body,
                required={"op_id": uuid_field, "ops": _op_list(max_ops)},
                optional={},
                where=_("An op message"),
            )
        except ProtocolError as error:
            error.op_id = op_id_text
            raise
        return {"type": "op", **cleaned}
    if kind == "facilitate":
        return _facilitate(body)
    if kind == "sync":
        # `rev` is required (null for a page that holds nothing): a sync that forgot it
        # would otherwise cost a whole snapshot.
        cleaned = object_fields(
            body,
            required={"rev": _optional_int},
            optional={"epoch": _optional_int},
            defaults={"epoch": None},
            where=_("A sync message"),
        )
        return {"type": "sync", **cleaned}
    if kind == "presence":
        cleaned = object_fields(
            body,
            required={},
            optional={
                "cursor": _cursor,
                "selection": _selection,
                "editing": optional_uuid,
                "dragging": _dragging,
                "view": view,
            },
            where=_("A presence message"),
        )
        return {"type": "presence", **cleaned}
    object_fields(body, required={}, optional={}, where=_("A ping"))
    return {"type": "ping"}


def _facilitate(body: dict) -> dict:
    """`{type: "facilitate", ref, action, args}`: the action's own fields are its `args`,
    checked against its declaration by boards.workshop.registry."""
    ref = body.pop("ref", None)
    if not isinstance(ref, str) or not 1 <= len(ref) <= REF_MAX or not storable(ref):
        raise ProtocolError(
            "invalid",
            _("A facilitate message needs a “ref” of 1 to %(n)d characters.") % {"n": REF_MAX},
        )
    name = body.pop("action", None)
    if not isinstance(name, str):
        raise ProtocolError("invalid", _("A facilitate message needs an “action”."), ref=ref)
    return {"type": "facilitate", "ref": ref, "action": name, "args": body}


def _optional_int(name: str, value: Any) -> int | None:
    return None if value is None else integer(0, 2**63 - 1)(name, value)


def _op_list(max_ops: int) -> Callable[[str, Any], list[dict]]:
    def check(name: str, value: Any) -> list[dict]:
        if not isinstance(value, list):
            raise ProtocolError("invalid", _("“ops” must be a list."))
        if not 1 <= len(value) <= max_ops:
            raise ProtocolError(
                "too_many_ops",
                _("Send between 1 and %(limit)d ops in one message.") % {"limit": max_ops},
            )
        return [clean_op(op) for op in value]

    return check


_COORD = number(-_COORD_LIMIT, _COORD_LIMIT)


def _cursor(name: str, value: Any) -> dict | None:
    if value is None:
        return None
    return object_fields(value, required={"x": _COORD, "y": _COORD}, optional={}, where=name)


def _selection(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > SELECTION_MAX:
        raise ProtocolError(
            "invalid", _("“selection” must be a list of at most %(n)d ids.") % {"n": SELECTION_MAX}
        )
    return [uuid_field(name, item) for item in value]


VIEW_ZOOM = (0.1, 3)  # static/js/editor/viewport.js


def view(name: str, value: Any) -> dict:
    """What a page shows of the board: the board point `x`, `y` at the centre of its
    screen, and its `zoom`; pages of any size can show the same place (follow, summon)."""
    return object_fields(
        value,
        required={"x": _COORD, "y": _COORD, "zoom": number(*VIEW_ZOOM)},
        optional={},
        where=name,
    )


def _dragging(name: str, value: Any) -> dict | None:
    if value is None:
        return None
    return object_fields(
        value,
        required={"ids": _selection, "dx": _COORD, "dy": _COORD},
        optional={},
        where=name,
    )
