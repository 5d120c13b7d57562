"""One inbox in front of a consumer's dispatch: its socket's frames, its own channel and
its board's events (handed over by its Room, boards.live.room) are handled one at a time,
in arrival order, by the consumer's own task.

A board event that finds the inbox empty and the consumer waiting is handled at once, in
the publisher's turn (`deliver`): a patch reaches 50 sockets of a process in one pass
instead of waking 50 tasks one after the other (docs/performance.md).
"""

from __future__ import annotations

import asyncio
import functools
import logging

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer

from boards.live import metrics, room

logger = logging.getLogger(__name__)

INBOX_LIMIT = 2000  # board events waiting in one inbox before new ones are dropped


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
        self.base_send = send
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.waiting = False  # for the inbox, and nothing is on its way there
        self.rooms: room.Rooms | None = None
        self.finished = False
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        sources = [receive]
        if self.channel_layer is not None:
            self.channel_name = await self.channel_layer.new_channel()
            sources.append(functools.partial(self.channel_layer.receive, self.channel_name))
            self.rooms = room.rooms(self.channel_layer)
            self.rooms.register(self)
        pumps = [asyncio.ensure_future(self._pump(source)) for source in sources]
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
                self.post(await source())
        except asyncio.CancelledError:
            raise
        except BaseException as error:
            self.post(_Failed(error))

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
    # thread hop on every broadcast (../shared/testing.md, "Throughput facts").
    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)
