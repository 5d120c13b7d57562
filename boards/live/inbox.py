"""One inbox in front of a consumer's dispatch: its socket's frames, its own channel and
its board's events (handed over by its Room, boards.live.room) are handled one at a time,
in arrival order, by the consumer's own task.

A board event that finds the inbox empty and the consumer waiting is handled at once, in
the publisher's turn (`deliver`): a patch reaches 50 sockets of a process in one pass
instead of waking 50 tasks one after the other (docs/performance.md).

The socket's frames are counted as they arrive, not as they are handled: a busy server
(a slow sync, a commit) must not let a flood pile up behind it. Each frame takes a token
of the consumer's `bucket` in the pump that reads it, and at most `FRAMES_WAITING` frames
wait in the inbox; a frame over either limit is dropped with every later one, and the
consumer's `flooded()` closes the socket (docs/protocol.md, 4408) once the frames that
came within the limits have been served.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time

from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from boards.live import metrics, room

logger = logging.getLogger(__name__)

INBOX_LIMIT = 2000  # board events waiting in one inbox before new ones are dropped
FRAMES_WAITING = 200  # socket frames waiting in one inbox before the socket is closed


class TokenBucket:
    """`burst` tokens, refilled at `rate` a second: one taken per frame as it arrives."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.refilled = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.refilled) * self.rate)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class _Failed:
    """A message source of the inbox raised: re-raised in the consumer's task."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Unfinished:
    """A board event handled at once (BoardConsumer.handle_now) waits for something: the
    consumer's task finishes it before it handles anything else."""

    def __init__(self, task: asyncio.Task) -> None:
        self.task = task


class InboxConsumer(AsyncWebsocketConsumer):
    """An AsyncWebsocketConsumer whose messages, from every source, wait in one inbox."""

    async def __call__(self, scope, receive, send):
        """AsyncConsumer.__call__ with one inbox in front of dispatch: the socket's frames,
        its own channel and the board's events (put here by its Room, one channel-layer
        subscription per process and board) are handled one at a time, in arrival order.
        A board event that finds the inbox empty and the consumer waiting is handled at
        once instead (`handle_now`)."""
        self.scope = scope
        self.base_send = functools.partial(self._send_unless_gone, send)
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.waiting = False  # for the inbox, and nothing is on its way there
        self.rooms: room.Rooms | None = None
        self.finished = False
        self.bucket: TokenBucket | None = None  # set by the consumer once it serves frames
        self.frames_waiting = 0
        self.flooding = False  # a frame broke a limit: the rest are dropped, the socket closes
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        pumps = [asyncio.ensure_future(self._pump(receive))]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            self.rooms = room.rooms(self.channel_layer)
            self.rooms.register(self)
            pumps.append(asyncio.ensure_future(self._pump_channel()))
        metrics.SOCKETS_OPEN.inc()
        try:
            while True:
                self.waiting = self.inbox.empty()
                message = await self.inbox.get()
                self.waiting = False
                if isinstance(message, _Failed):
                    raise message.error
                if isinstance(message, _Unfinished):
                    await message.task
                    continue
                await self.dispatch(message)
        except StopConsumer:
            pass
        finally:
            metrics.SOCKETS_OPEN.dec()
            self.waiting = False
            self.finished = True
            while not self.inbox.empty():  # a socket gone needs nothing more sent
                left = self.inbox.get_nowait()
                if isinstance(left, _Unfinished):
                    left.task.cancel()
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            if self.rooms is not None:
                self.rooms.forget(self)

    async def _pump(self, source) -> None:
        try:
            while True:
                message = await source()
                if message.get("type") == "websocket.receive":
                    if self.flooding:
                        continue
                    if self.frames_waiting >= FRAMES_WAITING or (
                        self.bucket is not None and not self.bucket.take()
                    ):
                        self.flooding = True
                        self.post({"type": "inbox.flooded"})
                        continue
                    self.frames_waiting += 1
                self.post(message)
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            self.post(_Failed(error))

    async def _send_unless_gone(self, send, message: dict) -> None:
        """Send to the socket; one whose client has gone (its close not yet handled here)
        takes nothing more, quietly: its `websocket.disconnect` is on its way."""
        with contextlib.suppress(Disconnected):
            await send(message)

    async def _pump_channel(self) -> None:
        """This socket's own channel (membership events, direct presence replies). A
        failed receive (Redis restarting, flushed, out of connections) must not end the
        socket: it is logged and counted, and the receive tried again a second later,
        with the socket's groups added again (a flush forgets them). Nothing here is what
        correctness rests on: the socket re-checks access on every ping and sync and
        catches up from the op log."""
        while True:
            try:
                message = await self.channel_layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("Receive on %s failed: %r", self.channel_name, error)
                metrics.CHANNEL_LAYER_ERRORS.labels("receive").inc()
                await asyncio.sleep(room.RETRY_SECONDS)
                await self.rejoin_groups()
                continue
            self.post(message)

    async def rejoin_groups(self) -> None:
        """Add this socket's channel to its groups again (after the channel layer lost
        them): the consumer knows which; nothing by default."""

    def post(self, message) -> None:
        """Queue `message` for this consumer's task."""
        self.waiting = False  # whatever comes next must wait its turn behind this
        self.inbox.put_nowait(message)

    def deliver(self, message: dict) -> None:
        """Take a board event from the room: at once if nothing is ahead of it, else
        in the inbox (dropped, like the channel layer would, when very far behind)."""
        if self.handle_now(message):
            return
        if self.inbox.qsize() >= INBOX_LIMIT:
            logger.info("Board event dropped: inbox of %s full", self.channel_name)
            return
        self.post(message)

    def handle_now(self, message: dict) -> bool:
        """Handle a board event here and now if nothing is ahead of it (the consumer is
        waiting for an empty inbox): a patch goes out to 50 sockets in one pass, without
        waking 50 tasks one after the other. Returns False if it must be queued instead.
        A handler that has to wait for something finishes in a task of its own, which
        the consumer's task awaits before it handles anything else; what it raises ends
        the consumer as if its own task had run it."""
        if not self.waiting:
            return False
        self.waiting = False  # an event this handler causes for us queues behind it
        loop = asyncio.get_running_loop()
        task = asyncio.Task(self.dispatch(message), loop=loop, eager_start=True)
        if not task.done():
            self.post(_Unfinished(task))
        elif not task.cancelled() and task.exception() is not None:
            self.post(_Failed(task.exception()))
        else:
            self.waiting = self.inbox.empty()
        return True

    # Our database work goes through database_sync_to_async, which closes stale
    # connections itself; skipping channels' per-message aclose_old_connections() saves a
    # thread hop on every broadcast (measured with channels 4.3 in a 50-client
    # fan-out on one process: about half as many messages again).
    async def dispatch(self, message):
        if message["type"] == "websocket.receive":
            self.frames_waiting -= 1
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def inbox_flooded(self, message: dict) -> None:
        """A frame came over the bucket or the inbox's bound: close (the consumer's code)."""
        await self.flooded()

    async def flooded(self) -> None:
        await self.close()
