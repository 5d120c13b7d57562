"""A guest's board socket, through a share link (/ws/share/<token>/): BoardConsumer with
the link as the viewer's access (boards.access, boards.guests)."""

from __future__ import annotations

import asyncio
import uuid

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils.translation import gettext as _

from boards.live import events
from boards.live.consumer import PERSON_COLOURS, BoardConsumer
from boards.live.protocol import ProtocolError
from boards.live.reads import CLOSE_REVOKED, CLOSE_TOO_MANY_SOCKETS, open_share
from journeymap import context
from journeymap.live import sharing_group
from journeymap.locale import language_for_scope


class ShareConsumer(BoardConsumer):
    """A guest on a board through a share link: the same live board, with the link checked
    where a member's membership is (at connect, on sync, on every ping), and a close as
    soon as the link is revoked or sharing turned off. An anonymous guest (a plain link)
    watches; a guest who joined a workshop link by name (boards.guests) is a person, signed
    in by their session, with the link's role: an editor's ops are committed as a
    member's are, against the link's role read in the commit (boards.live.commit)."""

    async def connect(self) -> None:
        self.groups_joined: list[str] = []
        self.presence_task: asyncio.Task | None = None
        await self.accept()
        # A guest's browser decides (or, signed in, their profile), as on the link's page.
        user = self.scope.get("user")
        self.speak(language_for_scope(self.scope, user))
        token = self.scope["url_route"]["kwargs"]["token"]
        session = self.scope.get("session")
        session_key = session.session_key if session is not None else None
        opened = await database_sync_to_async(open_share)(token, user, session_key)
        if isinstance(opened, int):
            await self.close(opened)
            return
        self.viewer, info = opened
        if not self._claim(f"link:{self.viewer.link.pk}", settings.WEBSOCKET_MAX_SOCKETS_PER_LINK):
            await self.close(CLOSE_TOO_MANY_SOCKETS)
            return
        self.board_id = info["board_id"]
        person = self.viewer.user
        context.bind(board_id=str(self.board_id), user_id=person.pk if person else None)
        self.session = uuid.uuid4().hex[:16]
        self.person = {
            "session": self.session,
            "user": person.pk if person else None,
            "name": person.name if person else _("Guest"),
            "role": self.viewer.role,
            "colour": PERSON_COLOURS[person.pk % len(PERSON_COLOURS)] if person else "#64748b",
            "guest": True,
        }
        self.own_groups = [
            events.share_group(self.viewer.link.pk),
            sharing_group(self.viewer.organisation.pk),
        ]
        await self._join(info)

    async def on_op(self, frame: dict) -> None:
        if self.viewer.user is None:
            raise ProtocolError(
                "forbidden",
                _("This is a read-only link: the board cannot be changed here."),
                frame["op_id"],
            )
        await super().on_op(frame)

    async def on_presence(self, frame: dict) -> None:
        if self.viewer.user is None:
            return  # anonymous guests watch; their pointers are not broadcast
        await super().on_presence(frame)

    def seen(self, person: dict) -> dict:
        # Someone outside the organisation sees names, not its members' ids, roles or
        # addresses (a name is never an address: a member without one is "Someone").
        seen = {key: value for key, value in person.items() if key not in {"user", "role"}}
        if "@" in seen.get("name", ""):
            seen["name"] = _("Someone")
        return seen

    async def share_ended(self, event: dict) -> None:
        await self.close(CLOSE_REVOKED)

    async def share_links_off(self, event: dict) -> None:
        await self.close(CLOSE_REVOKED)
