"""Messages to live board sessions over the channel layer (membership changes come from
journeymap.live, on a group journeymap owns).

The channel layer delivers at most once, so nothing sent here is what correctness rests
on: patches carry revisions that clients check, and a socket that misses a "board
deleted" or "share ended" message is still refused on its next sync or ping, which ask
boards.access.Viewer again.
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def board_group(board_id) -> str:
    return f"board.{board_id}"


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def board_deleted(board_id) -> None:
    _send(board_group(board_id), {"type": "board.deleted"})


def share_group(link_id) -> str:
    return f"share.{link_id}"


def share_ended(link_id) -> None:
    """Close the sockets opened through a share link (revoked, or sharing turned off)."""
    _send(share_group(link_id), {"type": "share.ended"})
