"""The one piece of caching on the sync path: a room's last `snapshot` frame (see
`Snapshots`). boards.live.room keeps one per board's room; boards.live.reads serves
from it."""

from __future__ import annotations


class Snapshots:
    """The last `snapshot` frame served for one board in this process, as sent (its
    messages: one, or its `part` frames, boards.live.parts), with the
    (epoch, rev) it shows.

    What it buys: the next socket that syncs an unchanged board gets the same text without
    its rows being read and encoded again, so a board is read once per revision, not once
    per socket. Forty guests of a share link (re)connecting to a 3,000-card board cost one
    read instead of forty, each of which held the board's lock on the process's one
    database thread, where every other socket's ping, sync and commit waited behind it
    (docs/performance.md). It is exact because a board's content is a function of its
    (epoch, rev): every change takes a revision, a restore a new epoch. Only the latest is
    kept: an older revision is never asked for again. Used from the database thread only
    (one entry, replaced whole)."""

    def __init__(self) -> None:
        self.entry: tuple[int, int, list[str]] | None = None

    def get(self, epoch: int, rev: int) -> list[str] | None:
        entry = self.entry
        if entry is not None and entry[:2] == (epoch, rev):
            return entry[2]
        return None

    def put(self, epoch: int, rev: int, messages: list[str]) -> None:
        self.entry = (epoch, rev, messages)
