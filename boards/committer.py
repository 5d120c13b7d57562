"""Group commit: the op frames of this process's sockets on one board, committed together.

All database work of a process goes through one thread (`database_sync_to_async`), so
op frames that arrive while a commit is running would each wait for it and then pay for a
transaction of their own: BEGIN, the board lock, the board row's update, the op-log
insert and COMMIT. Instead, every frame that arrives meanwhile waits in the board's queue
here, and the next commit takes the whole queue in one transaction
(boards.ops.commit_requests), each frame still its own revision, refused or accepted on
its own. A frame that finds nothing running is committed at once: a quiet board pays no
extra latency, a busy one commits more per transaction.

The committed revisions go out as ONE broadcast per transaction (boards.fanout.Hub.publish:
to this process's sockets at once, and through the channel layer to the others): a
`patch` frame, or for several revisions a `bundle` of them (docs/protocol.md), so a busy
board also costs one WebSocket message per socket per transaction instead of one per op.
Only after the commit, as always, and after each frame's ack or error went to its sender.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from channels.db import database_sync_to_async

from boards import live
from boards.ops import Commit, OpRequest, Outcome, commit_requests
from boards.protocol import dumps_frame

logger = logging.getLogger(__name__)


def broadcast_text(commits: list[Commit]) -> str:
    """The frame that tells every page about `commits` (in revision order)."""
    texts = [dumps_frame(commit.patch()) for commit in commits]
    if len(texts) == 1:
        return texts[0]
    return '{"type":"bundle","frames":[' + ",".join(texts) + "]}"


Reply = Callable[[Outcome], Awaitable[None]]


class BoardCommitter:
    """The commit queue of one board in one process (one event loop)."""

    def __init__(self, hub, board_id) -> None:
        self.hub = hub
        self.board_id = board_id
        self.group = live.board_group(board_id)
        self.queue: list[tuple[OpRequest, Reply]] = []
        self.task: asyncio.Task | None = None

    def submit(self, request: OpRequest, reply: Reply) -> None:
        """Queue `request` for the next commit; `reply` is awaited with its outcome (its
        Commit, or the ProtocolError / BoardGone / error that refused it) once committed,
        before the broadcast. Frames of one socket are committed in the order submitted;
        a socket need not wait for one frame's commit before it submits the next."""
        self.queue.append((request, reply))
        if self.task is None:
            self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            while self.queue:
                group, self.queue = self.queue, []
                await self._commit(group)
        finally:
            self.task = None
            self.queue = []  # non-empty only if cancelled (the loop closing): dropped
            if self.hub.committers.get(self.board_id) is self:
                del self.hub.committers[self.board_id]

    async def _commit(self, group: list[tuple[OpRequest, Reply]]) -> None:
        try:
            outcomes = await database_sync_to_async(commit_requests)(
                board_id=self.board_id, requests=[request for request, _reply in group]
            )
        except Exception as error:  # e.g. the database is down: every frame of it fails
            logger.exception("Committing ops on board %s failed", self.board_id)
            outcomes = [error] * len(group)
        committed = [o for o in outcomes if isinstance(o, Commit) and not o.duplicate]
        # Acks first, then the broadcast: an author hears "committed" before its patch.
        for (_request, reply), outcome in zip(group, outcomes, strict=True):
            try:
                await reply(outcome)
            except Exception:
                logger.exception("Replying to an op frame failed")
        if committed:
            self.hub.publish(self.group, {"type": "board.patch", "text": broadcast_text(committed)})


def committer(hub, board_id) -> BoardCommitter:
    """The commit queue of `board_id` in the process of `hub` (made when needed)."""
    found = hub.committers.get(board_id)
    if found is None:
        found = hub.committers[board_id] = BoardCommitter(hub, board_id)
    return found
