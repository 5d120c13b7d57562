"""Per-process fan-out of board events to the sockets of this process.

Each process subscribes to a board's channel-layer group once, on a channel of its own
(one per board), while at least one of its sockets has that board open, and hands every
event that arrives there to each of its local sockets through their inbox (an asyncio
queue that the socket's own task drains, see boards.consumers.BoardConsumer). So an op
costs one channel-layer delivery per process, not one per socket, and a socket handles
board events in order with its own frames, as it did when each socket received them from
the channel layer itself. A socket with nothing in its inbox and nothing in hand handles
the event at once, in the publisher's turn (BoardConsumer.handle_now): a patch reaches
all the board's sockets here in one pass instead of waking each socket's task in turn.

Like the channel layer, this delivers at most once: an inbox that is very far behind
drops board events (and logs it), and nothing here is what correctness rests on; patches
carry revisions that clients check and fill from the op log (docs/protocol.md).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import uuid

from channels.exceptions import ChannelFull

logger = logging.getLogger(__name__)

INBOX_LIMIT = 2000  # board events waiting in one socket's inbox before new ones are dropped
RETRY_SECONDS = 1.0  # wait after the channel layer failed to receive, before trying again


class _Board:
    """This process's subscription to one board group, and its sockets there."""

    __slots__ = ("channel", "consumers", "group", "tasks")

    def __init__(self, group: str) -> None:
        self.group = group
        self.consumers: set = set()
        self.channel: str | None = None
        self.tasks: list[asyncio.Task] = []


class Hub:
    """The fan-out of one channel layer in one event loop (one per process in production;
    the tests make a layer and a loop per test)."""

    def __init__(self, layer, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.loop = loop
        self.boards: dict[str, _Board] = {}
        self.local: dict[str, object] = {}  # channel name -> consumer, for direct sends
        self.lock = asyncio.Lock()  # subscribing and unsubscribing, one at a time
        self.cleanups: set[asyncio.Task] = set()
        self.committers: dict = {}  # board id -> boards.committer.BoardCommitter
        self.outgoing: collections.deque = collections.deque()  # (group, message) to publish
        self.sender: asyncio.Task | None = None
        # Marks what this hub publishes, so that its own echo from the layer is skipped.
        self.origin = uuid.uuid4().hex
        expiry = getattr(layer, "group_expiry", 86400)
        # channels_redis forgets group members after group_expiry: renew well before.
        self.refresh_seconds = max(1.0, min(3600.0, expiry / 4))

    def register(self, consumer) -> None:
        """Make `consumer.channel_name` reachable by `send` without the channel layer."""
        self.local[consumer.channel_name] = consumer

    def unregister(self, consumer) -> None:
        if self.local.get(consumer.channel_name) is consumer:
            del self.local[consumer.channel_name]

    async def join(self, group: str, consumer) -> None:
        """Deliver the events of `group` to `consumer` until it leaves; subscribe this
        process to the group if it is the group's first local socket."""
        board = self.boards.get(group)
        if board is None:
            board = self.boards[group] = _Board(group)
        board.consumers.add(consumer)  # before any await, so a concurrent leave sees it
        async with self.lock:
            if board.channel is None and board.consumers and self.boards.get(group) is board:
                channel = await self.layer.new_channel()
                await self.layer.group_add(group, channel)
                board.channel = channel
                board.tasks = [
                    asyncio.ensure_future(self._read(board, channel)),
                    asyncio.ensure_future(self._refresh(board, channel)),
                ]

    async def leave(self, group: str, consumer) -> None:
        """Stop delivering `group` to `consumer`; unsubscribe if no local socket is left."""
        board = self.boards.get(group)
        if board is None:
            return
        board.consumers.discard(consumer)
        if board.consumers:
            return
        async with self.lock:
            if board.consumers or self.boards.get(group) is not board:
                return  # someone joined meanwhile, or another leave cleaned up
            del self.boards[group]
            channel, tasks = board.channel, board.tasks
            board.channel, board.tasks = None, []
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            if channel is not None:
                await self.layer.group_discard(group, channel)

    def forget(self, consumer) -> None:
        """Drop `consumer` everywhere at once (its task ended without a clean leave); an
        emptied board is unsubscribed in the background."""
        self.unregister(consumer)
        for group, board in list(self.boards.items()):
            if consumer in board.consumers:
                board.consumers.discard(consumer)
                if not board.consumers:
                    task = asyncio.ensure_future(self.leave(group, consumer))
                    self.cleanups.add(task)
                    task.add_done_callback(self.cleanups.discard)

    def deliver(self, consumer, message: dict) -> None:
        if consumer.handle_now(message):
            return
        if consumer.inbox.qsize() >= INBOX_LIMIT:
            logger.info("Board event dropped: inbox of %s full", consumer.channel_name)
            return
        consumer.post(message)

    def publish(self, group: str, message: dict) -> None:
        """Send a board event to everyone on the board: this process's sockets at once, in
        order, and the other processes through the channel layer (which delivers it here
        too; `_read` skips that echo), in the background but in publishing order, so that
        a commit never waits for Redis. At most once, like the layer: correctness rests on
        revisions (docs/protocol.md), never on this."""
        board = self.boards.get(group)
        if board is not None:
            for consumer in tuple(board.consumers):
                self.deliver(consumer, message)
        self.outgoing.append((group, {**message, "origin": self.origin}))
        if self.sender is None:
            self.sender = asyncio.ensure_future(self._send_outgoing())

    async def _send_outgoing(self) -> None:
        try:
            while self.outgoing:
                group, message = self.outgoing.popleft()
                try:
                    await self.layer.group_send(group, message)
                except Exception:
                    # E.g. Redis restarting: the other processes' pages catch up from the
                    # op log (pong, sync); this one's got the event already.
                    logger.exception("Board fan-out: publishing to %s failed", group)
        finally:
            self.sender = None

    async def send(self, channel: str, message: dict) -> None:
        """Send to one socket: in-process if it is ours, else through the channel layer.
        Volatile: a full channel drops the message."""
        consumer = self.local.get(channel)
        if consumer is not None:
            self.deliver(consumer, message)
            return
        with contextlib.suppress(ChannelFull):
            await self.layer.send(channel, message)

    async def _read(self, board: _Board, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # E.g. Redis restarting: keep this board's sockets fed once it is back
                # (they catch up from the op log meanwhile, through pong and sync).
                logger.exception("Board fan-out: receive on %s failed", board.group)
                await asyncio.sleep(RETRY_SECONDS)
                with contextlib.suppress(Exception):
                    await self.layer.group_add(board.group, channel)
                continue
            if message.get("origin") == self.origin:
                continue  # published here, and delivered to local sockets already
            for consumer in tuple(board.consumers):
                self.deliver(consumer, message)

    async def _refresh(self, board: _Board, channel: str) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                await self.layer.group_add(board.group, channel)
            except Exception:
                logger.exception("Board fan-out: renewing %s failed", board.group)


def hub(layer) -> Hub:
    """The fan-out hub of `layer` in the running event loop."""
    loop = asyncio.get_running_loop()
    found = getattr(layer, "_board_fanout", None)
    if found is None or found.loop is not loop:
        found = Hub(layer, loop)
        layer._board_fanout = found
    return found
