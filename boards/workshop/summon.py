"""Bring everyone to the facilitator's view (docs/protocol.md, "Facilitation"): volatile,
like presence, passed on through the room and stored nowhere. Following someone is the
page's own business: it reads their `view` from presence."""

from __future__ import annotations

from boards.live.protocol import view
from boards.workshop.registry import ActionContext, Volatile, action
from journeymap.access import Can


@action("summon", capability=Can.FACILITATE, args={"view": view})
def summon(ctx: ActionContext, args: dict) -> Volatile:
    return Volatile({"type": "summon", "view": args["view"]})
