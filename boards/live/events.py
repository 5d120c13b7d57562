"""Messages to live board sessions over the channel layer.

The channel layer delivers at most once, so nothing sent here is what correctness rests
on: patches carry revisions that clients check, and a socket that misses a "membership
changed" message is still refused on its next write because the consumer re-reads the
role from the database (see boards.live.consumer).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def board_group(board_id) -> str:
    return f"board.{board_id}"


def member_group(organisation_id: int, user_id: int) -> str:
    return f"member.{organisation_id}.{user_id}"


def membership_changed(*, organisation_id: int, user_id: int, removed: bool) -> None:
    _send(
        member_group(organisation_id, user_id), {"type": "membership.changed", "removed": removed}
    )


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
