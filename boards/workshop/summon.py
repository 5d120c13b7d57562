"""Bring everyone to the facilitator's view (docs/protocol.md, "Facilitation"): volatile,
like presence, passed on through the room and stored nowhere. Following someone is the
page's own business: it reads their `view` from presence."""

from __future__ import annotations

from boards.live.fields import number, object_fields
from boards.models import COORD_LIMIT
from boards.workshop.registry import ActionContext, Volatile, action
from journeymap.access import Can

MIN_ZOOM, MAX_ZOOM = 0.1, 3  # static/js/editor/viewport.js


def view(name: str, value) -> dict:
    """A view of the board: the board point `x`, `y` at the centre of the screen, and the
    `zoom`. Pages of any size show the same place."""
    coord = number(-COORD_LIMIT, COORD_LIMIT)
    return object_fields(
        value,
        required={"x": coord, "y": coord, "zoom": number(MIN_ZOOM, MAX_ZOOM)},
        optional={},
        where=name,
    )


@action("summon", capability=Can.FACILITATE, args={"view": view})
def summon(ctx: ActionContext, args: dict) -> Volatile:
    return Volatile({"type": "summon", "view": args["view"]})
