"""Private writing rounds in the room (docs/protocol.md, "Private writing rounds"): the
facilitator starts one and reveals it; the rules of what a private card is and who sees
it are boards/private.py's, the start and the reveal boards/live/reveal.py's.

The facilitator does not see participants' private cards either (as in Miro's private
mode): the point is that nobody's first ideas are steered by anyone's, and the
facilitator's too would be seen in how they run the room. What everyone sees is that a
round is on; "I'm done" tells the facilitator who has finished.
"""

from __future__ import annotations

from django.db import transaction

from boards.live.reveal import reveal_round, start_round
from boards.live.room import publish
from boards.workshop.registry import ActionContext, action, section
from boards.workshop.timer import epoch_ms
from journeymap.access import Can, role_allows


@action("private.start", capability=Can.FACILITATE)
def start(ctx: ActionContext, args: dict) -> None:
    """From now on, each participant's new cards are theirs alone until the reveal."""
    start_round(ctx.board, ctx.now)


@action("private.reveal", capability=Can.FACILITATE)
def reveal(ctx: ActionContext, args: dict) -> None:
    """End the round: everyone's private cards reach everyone at once, in one revision."""
    commit = reveal_round(ctx.board, ctx.user, ctx.now)
    board_id = ctx.board.pk
    transaction.on_commit(lambda: publish(board_id, [commit]))


@section("private")
def private_section(board, viewer, now) -> dict | None:
    """None when no round runs; else since when, and whether this person's new cards are
    private (a participant who may write) or not (the facilitator, a viewer)."""
    if board.private_since is None:
        return None
    role = viewer.role
    writes = role_allows(role, Can.EDIT_BOARD) and not role_allows(role, Can.FACILITATE)
    return {"since": epoch_ms(board.private_since), "yours": writes}
