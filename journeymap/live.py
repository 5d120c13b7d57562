"""Messages to live sessions about a person's membership (removed, role changed) and
about an organisation's sharing (share links turned off).

journeymap owns the group name and sends on it; whoever keeps sessions open for a member
(boards' sockets) subscribes to `member_group` and decides what the message means for
them. So journeymap never imports boards.

The channel layer delivers at most once, so nothing sent here is what correctness rests
on: a socket that misses the message is still refused on its next write, sync or ping,
which re-read the membership from the database (boards.access.Viewer).
"""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def member_group(organisation_id: int, user_id: int) -> str:
    return f"member.{organisation_id}.{user_id}"


def sharing_group(organisation_id: int) -> str:
    """The sessions of guests on the organisation's boards (through share links)."""
    return f"sharing.{organisation_id}"


def membership_changed(*, organisation_id: int, user_id: int, removed: bool) -> None:
    _send(
        member_group(organisation_id, user_id), {"type": "membership.changed", "removed": removed}
    )


def share_links_turned_off(*, organisation_id: int) -> None:
    _send(sharing_group(organisation_id), {"type": "share_links.off"})


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)
