"""The board WebSocket: parse, ask the Viewer (boards.access), hand to the room, reply
(docs/protocol.md).

Access is the Viewer's: at connect (a member, or a guest through a share link), on every
sync and every ping (still signed in, still a member or the link still open), and on
every op in its commit, against the role and session read in the commit's transaction
(boards.live.commit).

Correctness never rests on the channel layer: every committed op has a revision and sits
in the op log, so a client that misses a broadcast notices the gap and syncs. Presence is
volatile and goes only through the channel layer.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from boards.live import metrics
from boards.live.commit import BoardGone, Commit, OpRequest, SignedOut
from boards.live.inbox import InboxConsumer, TokenBucket
from boards.live.parts import fits, parts
from boards.live.protocol import ProtocolError, dumps_frame, parse_frame
from boards.live.reads import (
    CLOSE_FLOOD,
    CLOSE_INTERNAL,
    CLOSE_NOT_FOUND,
    CLOSE_REVOKED,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY_SOCKETS,
    CLOSE_UNAUTHENTICATED,
    current,
    open_board,
    sync_reply,
    workshop_frame,
)
from boards.workshop.registry import perform
from journeymap import context
from journeymap.live import member_group
from journeymap.locale import language_for_scope

logger = logging.getLogger(__name__)

PERSON_COLOURS = [
    "#e11d48",
    "#2563eb",
    "#059669",
    "#d97706",
    "#7c3aed",
    "#0891b2",
    "#db2777",
    "#4d7c0f",
]


class BoardConsumer(InboxConsumer):
    async def connect(self) -> None:
        self.groups_joined: list[str] = []
        self.presence_task: asyncio.Task | None = None
        await self.accept()
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(CLOSE_UNAUTHENTICATED)
            return
        self.speak(language_for_scope(self.scope, user))
        if not self._claim(f"user:{user.pk}", settings.WEBSOCKET_MAX_SOCKETS_PER_USER):
            await self.close(CLOSE_TOO_MANY_SOCKETS)
            return
        self.board_id = self.scope["url_route"]["kwargs"]["board_id"]
        context.bind(user_id=user.pk, board_id=str(self.board_id))  # for its log lines
        session_key = self.scope["session"].session_key
        opened = await database_sync_to_async(open_board)(user, session_key, self.board_id)
        if opened is None:
            await self.close(CLOSE_NOT_FOUND)
            return
        self.viewer, info = opened
        self.session = uuid.uuid4().hex[:16]
        self.person = {
            "session": self.session,
            "user": user.pk,
            "name": user.name or user.email,
            "role": self.viewer.role,
            "colour": PERSON_COLOURS[user.pk % len(PERSON_COLOURS)],
        }
        # Membership events (removed, role changed) come to this socket's own channel.
        self.own_groups = [member_group(self.viewer.organisation.pk, user.pk)]
        await self._join(info)

    def _claim(self, key: str, limit: int) -> bool:
        """Whether this socket fits under the cap of its person or share link (counted
        per server process, boards.live.room.Rooms.claim)."""
        return self.rooms is None or self.rooms.claim(self, key, limit)

    async def _join(self, info: dict) -> None:
        # Charged as frames arrive, in the inbox's pump (boards.live.inbox).
        self.bucket = TokenBucket(settings.WEBSOCKET_RATE, settings.WEBSOCKET_BURST)
        self.last_presence = 0.0
        self.pending_presence: dict = {}
        # Board events reach this socket through its room, the process's one subscription
        # to the board (boards.live.room); membership events through its own channel.
        self.room = self.rooms.room(self.board_id)
        await self.room.join(self)
        self.joined = True
        self.groups_joined = list(self.own_groups)
        await self.rejoin_groups()
        await self.send_json(
            {
                "type": "welcome",
                "board": str(self.board_id),
                "rev": info["rev"],
                "epoch": info["epoch"],
                "you": {**self.person, "can": self.viewer.can()},
                "workshop": info["workshop"],
                "limits": {
                    "max_frame_bytes": settings.WEBSOCKET_MAX_FRAME_BYTES,
                    "max_ops": settings.WEBSOCKET_MAX_OPS,
                    "rate": settings.WEBSOCKET_RATE,
                    "burst": settings.WEBSOCKET_BURST,
                    "presence_hz": settings.PRESENCE_HZ,
                },
            }
        )
        self.room.publish(
            {"type": "presence.join", "person": self.person, "reply_to": self.channel_name}
        )

    def speak(self, language: str) -> None:
        """This socket's errors in its person's language: activated for the consumer's own
        task, which handles its frames one after the other (boards.live.inbox); its op
        frames carry the language into the group commit (OpRequest.language)."""
        self.language = language
        translation.activate(language)

    async def rejoin_groups(self) -> None:
        """Add this socket to its own groups (membership and sharing events), at join and
        again whenever its room renews its subscription (boards.live.room): a failure is
        logged and counted, and tried again then, never the end of the socket."""
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception as error:
                logger.warning("Joining %s failed: %r", group, error)
                metrics.CHANNEL_LAYER_ERRORS.labels("subscribe").inc()

    async def disconnect(self, code) -> None:
        if self.presence_task:
            self.presence_task.cancel()
        # `left` first: whatever the channel layer does next, the others hear of it.
        if getattr(self, "joined", False):
            self.room.publish({"type": "presence.leave", "session": self.session})
            await self.room.leave(self)
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # it expires from the group by itself
                logger.warning("Leaving %s failed: %r", group, error)
                metrics.CHANNEL_LAYER_ERRORS.labels("unsubscribe").inc()

    async def send_json(self, frame: dict) -> None:
        await self.send(text_data=dumps_frame(frame))

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        """Send, as `part` frames when the message is over WEBSOCKET_MAX_MESSAGE_BYTES
        (boards.live.parts): daphne drops the socket rather than send one that large.
        Snapshots and bundles come split already; this catches any other (one huge
        patch)."""
        limit = settings.WEBSOCKET_MAX_MESSAGE_BYTES
        if text_data is not None and not fits(text_data, limit):
            for text in parts(text_data, limit):
                await super().send(text_data=text)
            if close:
                await super().send(close=close)
            return
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def flooded(self) -> None:
        metrics.FRAMES_REFUSED.labels("flood").inc()
        await self.close(CLOSE_FLOOD)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if not hasattr(self, "person"):
            return  # closing: not authenticated or no access
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.WEBSOCKET_MAX_FRAME_BYTES:
            metrics.FRAMES_REFUSED.labels("too_big").inc()
            await self.close(CLOSE_TOO_BIG)
            return
        if text_data is None:
            await self.send_json(
                ProtocolError("bad_json", _("Send JSON text, not binary.")).frame()
            )
            return
        try:
            frame = self._parse(text_data)
            await getattr(self, "on_" + frame["type"])(frame)
        except ProtocolError as error:
            metrics.FRAMES_REFUSED.labels(error.code).inc()
            await self.send_json(error.frame())
        except BoardGone:
            await self.close(CLOSE_REVOKED)
        except SignedOut:
            await self.close(CLOSE_UNAUTHENTICATED)

    def _parse(self, text_data: str) -> dict:
        """The frame, validated; a frame that trips the parser itself is answered like any
        malformed frame, with `error`, and never ends the socket."""
        try:
            return parse_frame(text_data, max_ops=settings.WEBSOCKET_MAX_OPS)
        except ProtocolError:
            raise
        except Exception:
            logger.exception("Parsing a frame failed")
            raise ProtocolError("invalid", _("That message could not be read.")) from None

    async def on_op(self, frame: dict) -> None:
        # Committed with whatever else this process has waiting for the board, then
        # answered through op_done, then broadcast (boards.live.room). The socket goes on
        # reading meanwhile: its frames are committed in the order they came.
        request = OpRequest(
            self.viewer.user,
            frame["op_id"],
            frame["ops"],
            session_key=self.viewer.session_key,
            language=self.language,
            link_id=self.viewer.link.pk if self.viewer.link else None,
        )
        self.room.submit(request, self.op_done)

    async def op_done(self, outcome) -> None:
        if self.finished:
            return  # the socket closed while its op was being committed; the commit stands
        if isinstance(outcome, Commit):
            await self.send_json({"type": "ack", "op_id": outcome.op_id, "rev": outcome.rev})
        elif isinstance(outcome, ProtocolError):
            metrics.FRAMES_REFUSED.labels(outcome.code).inc()
            await self.send_json(outcome.frame())
        elif isinstance(outcome, BoardGone):
            await self.close(CLOSE_REVOKED)
        elif isinstance(outcome, SignedOut):
            await self.close(CLOSE_UNAUTHENTICATED)
        else:  # the database failed: the client re-sends after reconnecting
            await self.close(CLOSE_INTERNAL)

    async def on_sync(self, frame: dict) -> None:
        reply = await database_sync_to_async(sync_reply)(
            self.viewer, self.board_id, frame["rev"], frame["epoch"], self.room.snapshots
        )
        for text in reply:  # one message, or the parts of one (nothing else in between)
            await self.send(text_data=text)
        # After every sync (a reconnect, a wake-up): the room as it is now.
        await self.workshop_changed({})

    async def on_ping(self, frame: dict) -> None:
        revision = await database_sync_to_async(current)(self.viewer, self.board_id)
        await self.send_json({"type": "pong", **revision})

    async def on_presence(self, frame: dict) -> None:
        # Coalesce: at most PRESENCE_HZ frames a second go out; later fields overwrite.
        self.pending_presence.update({k: v for k, v in frame.items() if k != "type"})
        if self.presence_task is None:
            wait = self.last_presence + 1 / settings.PRESENCE_HZ - time.monotonic()
            self.presence_task = asyncio.ensure_future(self._flush_presence(max(wait, 0)))

    async def _flush_presence(self, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        fields, self.pending_presence = self.pending_presence, {}
        self.presence_task = None
        self.last_presence = time.monotonic()
        self.room.publish(
            {
                "type": "presence.update",
                "session": self.session,
                "text": dumps_frame({"type": "presence", "session": self.session, **fields}),
            }
        )

    async def on_facilitate(self, frame: dict) -> None:
        # One transaction of its own (boards.workshop.registry, where the capability is
        # checked), answered, then everyone reads their own `workshop` frame again.
        ref, name = frame["ref"], frame["action"]
        try:
            volatile = await database_sync_to_async(perform)(
                self.board_id, self.viewer, name, frame["args"]
            )
        except ProtocolError as error:
            error.ref = ref
            raise
        except (BoardGone, SignedOut):
            raise
        except Exception:  # e.g. the database is down: nothing was changed
            logger.exception("Facilitation action %s failed", name)
            await self.close(CLOSE_INTERNAL)
            return
        await self.send_json({"type": "facilitated", "ref": ref, "action": name})
        if volatile is None:
            self.room.publish({"type": "workshop.changed"})
        else:  # e.g. summon: passed on, stored nowhere
            text = dumps_frame({**volatile.frame, "by": self.session})
            self.room.publish({"type": "workshop.volatile", "session": self.session, "text": text})

    # Channel-layer events.

    async def workshop_changed(self, event: dict) -> None:
        frame = await database_sync_to_async(workshop_frame)(self.viewer, self.board_id)
        if frame is not None:
            await self.send_json(frame)

    async def workshop_volatile(self, event: dict) -> None:
        if event["session"] != self.session:
            await self.send(text_data=event["text"])

    async def board_patch(self, event: dict) -> None:
        # In a private writing round, the author of a private op gets a version with it.
        private = event.get("private")
        if private and self.person["user"] is not None:
            await self.send(text_data=private.get(str(self.person["user"]), event["text"]))
            return
        await self.send(text_data=event["text"])

    async def presence_update(self, event: dict) -> None:
        if event["session"] != self.session:
            await self.send(text_data=event["text"])

    async def presence_join(self, event: dict) -> None:
        if event["person"]["session"] == self.session:
            return
        await self.send_json({"type": "joined", **self.seen(event["person"])})
        # In-process when the newcomer is on this process; else through the channel layer,
        # where a full queue drops it (volatile: must not close the socket).
        await self.rooms.send(event["reply_to"], {"type": "presence.here", "person": self.person})

    async def presence_here(self, event: dict) -> None:
        await self.send_json({"type": "joined", **self.seen(event["person"])})

    def seen(self, person: dict) -> dict:
        """What this socket is told of someone on the board."""
        return person

    async def presence_leave(self, event: dict) -> None:
        if event["session"] != self.session:
            await self.send_json({"type": "left", "session": event["session"]})

    async def membership_changed(self, event: dict) -> None:
        if event["removed"] or not await database_sync_to_async(self.viewer.refresh)():
            await self.close(CLOSE_REVOKED)
            return
        self.person["role"] = self.viewer.role
        await self.send_json({"type": "role", "role": self.viewer.role, "can": self.viewer.can()})

    async def board_deleted(self, event: dict) -> None:
        await self.close(CLOSE_REVOKED)


class NoSuchBoard(AsyncWebsocketConsumer):
    """Any other /ws/ path (a board id that is no id, an unknown route): accepted and
    closed with 4404, as for a board that does not exist, instead of an HTTP 500."""

    async def connect(self) -> None:
        await self.accept()
        await self.close(CLOSE_NOT_FOUND)
