"""What a board socket reads from the database, each in one trip to the database thread:
opening a socket (a member's, or a share-link guest's: anonymous, or joined by name),
the reply to a `sync` (patches since a revision, or a snapshot), and the revision for a
`pong`, each time asking the Viewer (boards.access) whether its person may still read the
board; and the person's `workshop` frame (boards.workshop.state).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import Http404

from boards.access import (
    MustJoin,
    ShareLinkGone,
    Viewer,
    get_viewer_for_board,
    get_viewer_for_share,
)
from boards.live.commit import BoardGone, SignedOut
from boards.live.parts import parts
from boards.live.protocol import dumps_frame
from boards.models import Board
from boards.selectors import board_state, has_private_cards, patches_since
from boards.snapshots import snapshot_after_session
from boards.workshop.state import state_for

# Every close the server sends is 1000 or in 4000-4999: daphne's WebSocket layer refuses
# the others (1009 and 1011 among them) and drops the connection without a code.
CLOSE_TOO_BIG = 4009
CLOSE_INTERNAL = 4011
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_FLOOD = 4408
CLOSE_REVOKED = 4410
CLOSE_TOO_MANY_SOCKETS = 4429


def open_board(user, session_key: str | None, board_id) -> tuple[Viewer, dict] | None:
    try:
        board, viewer = get_viewer_for_board(user, board_id, session_key)
    except Http404:
        return None
    # The first visit after a quiet spell closes the last session with a version of it.
    snapshot_after_session(board_id=board.pk, updated=board.updated)
    return viewer, {"rev": board.rev, "epoch": board.epoch, "workshop": state_for(board, viewer)}


def open_share(token: str, user=None, session_key: str | None = None) -> tuple[Viewer, dict] | int:
    """What a guest's socket opens on, or the close code: 4404 for a token that opens
    nothing (unknown, or a link without live updates, which shows the board as it is,
    with no socket); 4410 for a link that did open the board and no longer does (revoked,
    expired, share links turned off), as its page answers 410 Gone; 4401 for a workshop
    link opened by someone who has not joined through it (its page asks their name)."""
    try:
        board, viewer = get_viewer_for_share(token, user, session_key)
    except Http404:
        return CLOSE_NOT_FOUND
    except ShareLinkGone:
        return CLOSE_REVOKED
    except MustJoin:
        return CLOSE_UNAUTHENTICATED
    if not viewer.link.live:
        return CLOSE_NOT_FOUND
    return viewer, {
        "board_id": board.pk,
        "rev": board.rev,
        "epoch": board.epoch,
        "workshop": state_for(board, viewer),
    }


def require_reader(viewer: Viewer, board: Board | None) -> None:
    """Refuse a socket whose viewer signed out (SignedOut: 4401) or may no longer read the
    board (BoardGone: 4410), asked of the database on every sync and ping: the messages
    that end a socket's access may be lost, and a quiet socket sends no op to refuse."""
    if not viewer.signed_in():
        raise SignedOut
    if board is None or not viewer.may_read(board):
        raise BoardGone


def sync_reply(
    viewer: Viewer, board_id, rev: int | None, epoch: int | None, snapshots
) -> list[str]:
    """The reply to a sync, as the messages sent: the patches since `rev`, or a snapshot
    (the one of `snapshots`, boards.live.snapshot_cache.Snapshots, while the board has not
    changed); cut into `part` frames when larger than the message limit
    (boards.live.parts)."""
    limit = settings.WEBSOCKET_MAX_MESSAGE_BYTES
    # Holding the board's lock while reading makes the reply exactly the board at its
    # rev: no commit can land between reading the revision and reading the rows.
    with transaction.atomic():
        board = Board.objects.select_for_update().filter(pk=board_id).first()
        require_reader(viewer, board)
        user_id = viewer.user.pk if viewer.user is not None else None
        if rev is not None and epoch == board.epoch and rev <= board.rev:
            patches = patches_since(board, rev, user_id)
            if patches is not None:
                text = dumps_frame(
                    {
                        "type": "patches",
                        "from_rev": rev,
                        "rev": board.rev,
                        "epoch": board.epoch,
                        "patches": patches,
                    }
                )
                return parts(text, limit)
        if has_private_cards(board, user_id):
            # In a private round, someone with cards of their own sees a board of their
            # own: read for them, and not cached (boards/private.py).
            text = dumps_frame(
                {
                    "type": "snapshot",
                    "rev": board.rev,
                    "epoch": board.epoch,
                    "state": board_state(board, user_id),
                }
            )
            return parts(text, limit)
        messages = snapshots.get(board.epoch, board.rev)
        if messages is None:
            text = dumps_frame(
                {
                    "type": "snapshot",
                    "rev": board.rev,
                    "epoch": board.epoch,
                    "state": board_state(board),
                }
            )
            messages = parts(text, limit)
            snapshots.put(board.epoch, board.rev, messages)
        return messages


def current(viewer: Viewer, board_id) -> dict:
    """The board's revision for a pong, once the viewer is found to still read it."""
    board = Board.objects.filter(pk=board_id).only("rev", "epoch", "organisation_id").first()
    require_reader(viewer, board)
    return {"rev": board.rev, "epoch": board.epoch}


def workshop_frame(viewer: Viewer, board_id) -> dict | None:
    """The person's `workshop` frame now (None: the board is gone; the next ping says)."""
    board = Board.objects.filter(pk=board_id).first()
    if board is None:
        return None
    return {"type": "workshop", **state_for(board, viewer)}
