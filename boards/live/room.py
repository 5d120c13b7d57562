"""A board's room in one process: its sockets here, its subscription, its commit queue.

`Room` is the one object a socket talks to about its board (join / leave / submit /
publish), and `publish` the one way a patch goes out, whoever committed it: a socket's
group commit, an HTTP panel edit, a restore, an import into a live board.

- **Fan-out.** While at least one of its sockets has a board open, a process subscribes to
  the board's channel-layer group once, on a channel of its own, and hands every event
  arriving there to each of its sockets (`socket.deliver`). So an op costs one
  channel-layer delivery per process, not one per socket.
- **Group commit.** All database work of a process goes through one thread
  (`database_sync_to_async`), so op frames that arrive while a commit runs wait in the
  room's queue, and the next commit takes the whole queue in one transaction
  (boards.live.commit.commit_requests), each frame still its own revision, refused or
  accepted on its own. A frame that finds nothing running is committed at once: a quiet
  board pays no extra latency, a busy one commits more per transaction.
- **One broadcast per transaction,** after each frame's ack or error went to its sender:
  a `patch`, or a `bundle` of several (docs/protocol.md).

Like the channel layer, this delivers at most once, and nothing here is what correctness
rests on: patches carry revisions that clients check and fill from the op log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
import weakref
from collections import deque
from collections.abc import Awaitable, Callable

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.conf import settings

from boards.live import metrics
from boards.live.commit import Commit, OpRequest, Outcome, commit_requests
from boards.live.events import board_group
from boards.live.protocol import dumps_frame, patch_texts
from boards.live.snapshot_cache import Snapshots
from boards.private import audience

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0  # wait after the channel layer failed to receive, before trying again

Reply = Callable[[Outcome], Awaitable[None]]


class Room:
    """One board in one process (one event loop)."""

    def __init__(self, rooms: Rooms, board_id) -> None:
        self.rooms = rooms
        self.board_id = board_id
        self.group = board_group(board_id)
        self.sockets: set = set()
        self.channel: str | None = None  # this process's subscription to the group
        self.tasks: list[asyncio.Task] = []
        self.queue: list[tuple[OpRequest, Reply]] = []
        self.committing: asyncio.Task | None = None
        self.snapshots = Snapshots()

    # Sockets and the subscription.

    async def join(self, socket) -> None:
        """Deliver the board's events to `socket` until it leaves; subscribe this process
        to the board's group if it is the first socket here."""
        self.sockets.add(socket)  # before any await, so a concurrent leave sees it
        async with self.rooms.lock:
            if self.channel is None and self.sockets and self.rooms.rooms.get(self.key) is self:
                channel = await self.rooms.layer.new_channel()
                self.channel = channel
                subscribed = await self._subscribe(channel)
                self.tasks = [
                    asyncio.ensure_future(self._read(channel)),
                    asyncio.ensure_future(self._refresh(channel, subscribed)),
                ]

    async def leave(self, socket) -> None:
        """Stop delivering to `socket`; unsubscribe if no socket of this process is left."""
        self.sockets.discard(socket)
        if self.sockets:
            return
        async with self.rooms.lock:
            if self.sockets:
                return  # someone joined meanwhile
            channel, tasks = self.channel, self.tasks
            self.channel, self.tasks = None, []
            self.rooms.discard_if_idle(self)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            if channel is not None:
                try:
                    await self.rooms.layer.group_discard(self.group, channel)
                except Exception as error:  # it expires from the group by itself
                    logger.warning("Board fan-out: leaving %s failed: %r", self.group, error)
                    metrics.CHANNEL_LAYER_ERRORS.labels("unsubscribe").inc()

    @property
    def key(self) -> str:
        return str(self.board_id)

    # Commits.

    def submit(self, request: OpRequest, reply: Reply) -> None:
        """Queue `request` for the next commit; `reply` is awaited with its outcome (its
        Commit, or the ProtocolError / BoardGone / error that refused it) once committed,
        before the broadcast. Frames of one socket are committed in the order submitted;
        a socket need not wait for one frame's commit before it submits the next."""
        self.queue.append((request, reply))
        if self.committing is None:
            self.committing = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while self.queue:
                group, self.queue = self.queue, []
                await self._commit(group)
        finally:
            self.committing = None
            self.queue = []  # non-empty only if cancelled (the loop closing): dropped
            self.rooms.discard_if_idle(self)

    async def _commit(self, group: list[tuple[OpRequest, Reply]]) -> None:
        try:
            outcomes = await database_sync_to_async(commit_requests)(
                board_id=self.board_id, requests=[request for request, _reply in group]
            )
        except Exception as error:  # e.g. the database is down: every frame of it fails
            logger.exception("Committing ops on board %s failed", self.board_id)
            metrics.COMMIT_FAILURES.inc()
            outcomes = [error] * len(group)
            # Their sockets close and re-send after reconnecting: the frames they sent
            # since, waiting here, must not commit ahead of these (a socket's frames
            # commit in the order sent, or not at all). They are refused the same way.
            failed = {_sender(reply) for _request, reply in group}
            dropped = [entry for entry in self.queue if _sender(entry[1]) in failed]
            self.queue = [entry for entry in self.queue if _sender(entry[1]) not in failed]
            group = group + dropped
            outcomes += [error] * len(dropped)
        committed = [o for o in outcomes if isinstance(o, Commit) and not o.duplicate]
        # Acks first, then the broadcast: an author hears "committed" before its patch.
        for (_request, reply), outcome in zip(group, outcomes, strict=True):
            try:
                await reply(outcome)
            except Exception:
                logger.exception("Replying to an op frame failed")
        for message in patch_messages(committed):
            self.publish(message)

    # Events.

    def publish(self, message: dict) -> None:
        """Send a board event to everyone on the board: this process's sockets at once, in
        order, and the other processes through the channel layer (which delivers it here
        too; `_read` skips that echo), in the background but in publishing order, so that
        a commit never waits for Redis. At most once, like the layer: correctness rests on
        revisions (docs/protocol.md), never on this."""
        for socket in tuple(self.sockets):
            socket.deliver(message)
        self.rooms.send_later(self.group, message)

    async def _read(self, channel: str) -> None:
        layer = self.rooms.layer
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                # E.g. Redis restarting: keep this board's sockets fed once it is back
                # (they catch up from the op log meanwhile, through pong and sync).
                logger.warning("Board fan-out: receive on %s failed: %r", self.group, error)
                metrics.CHANNEL_LAYER_ERRORS.labels("receive").inc()
                await asyncio.sleep(RETRY_SECONDS)
                with contextlib.suppress(Exception):
                    await layer.group_add(self.group, channel)
                continue
            if message.get("origin") == self.rooms.origin:
                continue  # published here, and delivered to local sockets already
            for socket in tuple(self.sockets):
                socket.deliver(message)
            metrics.fanned_out(message)

    async def _subscribe(self, channel: str) -> bool:
        """Add this process's channel to the board's group; a failure is logged and
        counted, never raised: `_refresh` tries again."""
        try:
            await self.rooms.layer.group_add(self.group, channel)
        except Exception as error:
            logger.warning("Board fan-out: subscribing to %s failed: %r", self.group, error)
            metrics.CHANNEL_LAYER_ERRORS.labels("subscribe").inc()
            return False
        return True

    async def _refresh(self, channel: str, subscribed: bool) -> None:
        """Subscribe again, and add this room's sockets to their own groups again, every
        `refresh_seconds` (a second after a failure): channels_redis forgets group members
        after `group_expiry`, and all of them at once when Redis loses its data (FLUSHALL,
        a restart without persistence), which no receive notices. So live patches between
        processes resume within `refresh_seconds` of a flush; pages catch up through
        pong meanwhile (docs/operations.md, faults)."""
        while True:
            await asyncio.sleep(self.rooms.refresh_seconds if subscribed else RETRY_SECONDS)
            subscribed = await self._subscribe(channel)
            for socket in tuple(self.sockets):
                await socket.rejoin_groups()


class Rooms:
    """The rooms of one channel layer in one event loop (one per process in production;
    the tests make a layer and a loop per test), and the sockets reachable by channel name
    without the channel layer."""

    def __init__(self, layer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        self.rooms: dict[str, Room] = {}
        self.local: dict[str, object] = {}  # channel name -> socket, for direct sends
        self.claims: dict[str, int] = {}  # a person's or share link's key -> its open sockets
        self.lock = asyncio.Lock()  # subscribing and unsubscribing, one at a time
        self.cleanups: set[asyncio.Task] = set()
        self.outgoing: deque = deque()  # (group, message) to publish through the layer
        self.sender: asyncio.Task | None = None
        # Marks what this process publishes, so that its own echo from the layer is skipped.
        self.origin = uuid.uuid4().hex
        expiry = getattr(layer, "group_expiry", 86400)
        # channels_redis forgets group members after group_expiry: renew well before
        # (and so recover from a flush within a quarter of it; settings.CHANNEL_LAYERS).
        self.refresh_seconds = max(1.0, min(3600.0, expiry / 4))

    def room(self, board_id) -> Room:
        """The room of `board_id` here (made when needed)."""
        key = str(board_id)
        found = self.rooms.get(key)
        if found is None:
            found = self.rooms[key] = Room(self, board_id)
        return found

    def discard_if_idle(self, room: Room) -> None:
        """Forget `room` once it has neither sockets nor a commit in hand."""
        if room.sockets or room.committing is not None or room.channel is not None:
            return
        if self.rooms.get(room.key) is room:
            del self.rooms[room.key]

    def register(self, socket) -> None:
        """Make `socket.channel_name` reachable by `send` without the channel layer."""
        self.local[socket.channel_name] = socket

    def claim(self, socket, key: str, limit: int) -> bool:
        """Count `socket` as one of `key`'s (a person, a share link) unless `limit` of
        them are open in this process already; released when the socket is forgotten."""
        if self.claims.get(key, 0) >= limit:
            return False
        self.claims[key] = self.claims.get(key, 0) + 1
        socket.claimed = key
        return True

    def forget(self, socket) -> None:
        """Drop `socket` everywhere at once (its task ended, with or without a clean
        leave); an emptied room is unsubscribed in the background."""
        key = getattr(socket, "claimed", None)
        if key is not None:
            socket.claimed = None
            self.claims[key] -= 1
            if not self.claims[key]:
                del self.claims[key]
        if self.local.get(socket.channel_name) is socket:
            del self.local[socket.channel_name]
        for room in list(self.rooms.values()):
            if socket in room.sockets:
                room.sockets.discard(socket)
                if room.sockets:
                    continue
                task = asyncio.ensure_future(room.leave(socket))
                self.cleanups.add(task)
                task.add_done_callback(self.cleanups.discard)

    async def send(self, channel: str, message: dict) -> None:
        """Send to one socket: in-process if it is ours, else through the channel layer.
        Volatile: a full channel drops the message."""
        socket = self.local.get(channel)
        if socket is not None:
            socket.deliver(message)
            return
        with contextlib.suppress(ChannelFull):
            await self.layer.send(channel, message)

    def send_later(self, group: str, message: dict) -> None:
        """Publish to the other processes in the background, in publishing order."""
        self.outgoing.append((group, metrics.stamped({**message, "origin": self.origin})))
        if self.sender is None:
            self.sender = asyncio.ensure_future(self._send_outgoing())

    async def _send_outgoing(self) -> None:
        try:
            while self.outgoing:
                group, message = self.outgoing.popleft()
                try:
                    await self.layer.group_send(group, message)
                except Exception as error:
                    # E.g. Redis restarting: the other processes' pages catch up from the
                    # op log (pong, sync); this one's got the event already.
                    logger.warning("Board fan-out: publishing to %s failed: %r", group, error)
                    metrics.CHANNEL_LAYER_ERRORS.labels("publish").inc()
        finally:
            self.sender = None


_ROOMS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> {layer id: Rooms}


def rooms(layer) -> Rooms:
    """The rooms of `layer` in the running event loop."""
    loop = asyncio.get_running_loop()
    by_layer = _ROOMS.setdefault(loop, {})
    found = by_layer.get(id(layer))
    if found is None or found.layer is not layer:
        found = by_layer[id(layer)] = Rooms(layer, loop)
    return found


def _sender(reply: Reply) -> object:
    """Who submitted a frame: the socket whose bound method `reply` is."""
    return getattr(reply, "__self__", reply)


def patch_messages(commits: list[Commit]) -> list[dict]:
    """The board events that tell every page about `commits` (in revision order): one,
    unless their patches bundled together would pass the message limit
    (boards.live.parts).

    In a private writing round (boards/private.py), one event per revision instead: its
    `text` is what everyone is sent, and `private` holds, per user some op of it is shown
    to alone (by id, as text), the version they are sent instead: the same revision, with
    their own private ops."""
    if not commits:
        return []
    if not any(audience(commit.ops) for commit in commits):
        texts = patch_texts(
            [commit.patch() for commit in commits], settings.WEBSOCKET_MAX_MESSAGE_BYTES
        )
        return [{"type": "board.patch", "text": text} for text in texts]
    messages = []
    for commit in commits:
        message = {"type": "board.patch", "text": dumps_frame(commit.patch())}
        users = audience(commit.ops)
        if users:
            message["private"] = {
                str(user): dumps_frame(commit.patch(user)) for user in sorted(users)
            }
        messages.append(message)
    return messages


def publish(board_id, commits: list[Commit]) -> None:
    """Tell everyone on the board about revisions committed outside a socket (an HTTP
    panel, a restore, an import): from synchronous code, after the transaction committed.
    Under daphne this runs in the server's event loop, so this process's sockets get it
    at once, like a socket's commit; the other processes through the channel layer."""
    layer = get_channel_layer()
    if layer is None or not commits:
        return
    async_to_sync(_publish_now)(layer, board_id, patch_messages(commits))


async def _publish_now(layer, board_id, messages: list[dict]) -> None:
    here = rooms(layer)
    room = here.rooms.get(str(board_id))
    for message in messages:
        if room is not None:
            for socket in tuple(room.sockets):
                socket.deliver(message)
        # Awaited, not queued: outside a server (a management command) this loop ends next.
        await layer.group_send(
            board_group(board_id), metrics.stamped({**message, "origin": here.origin})
        )
