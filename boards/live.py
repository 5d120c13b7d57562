"""Messages to live board sessions over the channel layer.

The channel layer delivers at most once, so nothing sent here is what correctness rests
on: patches carry revisions that clients check, and a socket that misses a "membership
changed" message is still refused on its next write because the consumer re-reads the
role from the database (see boards.consumers).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def board_group(board_id) -> str:
    return f"board.{board_id}"


def member_group(organisation_id: int, user_id: int) -> str:
    return f"member.{organisation_id}.{user_id}"


def membership_changed(*, organisation_id: int, user_id: int, removed: bool) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        member_group(organisation_id, user_id),
        {"type": "membership.changed", "removed": removed},
    )
