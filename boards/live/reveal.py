"""Starting and revealing a private writing round (boards/private.py says what one is).

Both run inside the caller's transaction, with the board's row locked (the facilitation
registry, boards.workshop, holds it), so that no op frame's commit interleaves: a card
committed before the reveal is private and revealed with the others, one committed after
it is public.

The reveal is one revision: every private card becomes public, and its patch carries,
for everyone, each revealed card whole (`card.reveal`, with its author) and the arrows
and links that join revealed cards to what everyone sees (`arrow.restore`, `link.restore`
with the whole arrow or link), so a page that never saw them adds them and the author's
page, which has them, only drops their private mark. The caller publishes it once the
transaction committed (boards.live.room.publish).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from boards.live.commit import Commit
from boards.live.protocol import ProtocolError
from boards.models import Arrow, Board, Card, CardLink, OpLog
from boards.selectors import arrow_state, card_state, link_state


def start_round(board: Board, now: datetime) -> None:
    """Start a private round on `board` (locked): from now on, participants' new cards are
    theirs alone until the reveal."""
    if board.private_since is not None:
        raise ProtocolError("conflict", _("A private writing round is running already."))
    board.private_since = now
    board.save(update_fields=["private_since"])


def reveal_round(board: Board, user, now: datetime) -> Commit:
    """End `board`'s (locked) private round: every private card public at once, as one
    revision by `user`. Returns the commit, for the caller to publish after the commit."""
    if board.private_since is None:
        raise ProtocolError("conflict", _("No private writing round is running."))
    private = Card.objects.filter(board=board, private=True)
    cards = list(private.filter(deleted=False).order_by("created", "id"))
    private.update(private=False)
    ids = [card.id for card in cards]
    arrows = (
        Arrow.objects.filter(board=board, deleted=False)
        .filter(Q(from_card_id__in=ids) | Q(to_card_id__in=ids))
        .filter(from_card__deleted=False, to_card__deleted=False)
        .order_by("created", "id")
    )
    links = (
        CardLink.objects.filter(board=board, deleted=False)
        .filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .filter(source__deleted=False, target__deleted=False)
        .order_by("created", "id")
    )
    ops = [{"op": "card.reveal", "id": str(card.id), "card": card_state(card)} for card in cards]
    ops += [{"op": "arrow.restore", "id": str(a.id), "arrow": arrow_state(a)} for a in arrows]
    ops += [{"op": "link.restore", "id": str(k.id), "link": link_state(k)} for k in links]
    board.private_since = None
    board.rev += 1
    board.updated = now
    board.updated_by_id = user.pk
    board.save(update_fields=["private_since", "rev", "updated", "updated_by"])
    op_id = str(uuid.uuid4())
    OpLog.objects.create(board=board, rev=board.rev, op_id=op_id, user_id=user.pk, ops=ops)
    return Commit(board.rev, board.epoch, op_id, user.pk, ops)
