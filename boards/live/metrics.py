"""The live path's Prometheus metrics, in one place (docs/operations.md, "Metrics").

Each daphne process counts its own, in prometheus_client's default registry, and shows
them at its own /metrics (journeymap.health): scrape every process, as Prometheus does
with one target per process; its `instance` label tells them apart, and sums across
them are the site's.

- journeymap_sockets_open (gauge): board WebSockets (members' and share-link guests')
  being handled by this process, from the upgrade to the close.
- journeymap_ops_committed_total (counter): op frames committed, each one revision of a
  board (sockets, panels and imports alike); re-sent duplicates are not counted.
- journeymap_commit_seconds (histogram): how long one group commit took in the database
  thread: one transaction holding one or more frames of one board.
- journeymap_commit_failures_total (counter): group commits the database failed (e.g.
  PostgreSQL down); their senders reconnect and re-send.
- journeymap_fanout_seconds (histogram): from publishing a board event on one process to
  handing it to this process's sockets, for the events that came through the channel
  layer (so: another process's, and two wall clocks).
- journeymap_frames_refused_total{code} (counter): frames answered with an error, by its
  protocol code (docs/protocol.md); `too_big` and `flood` count sockets closed for a frame
  too big or too many frames.
- journeymap_channel_layer_errors_total{operation} (counter): channel-layer (Redis) calls
  that failed: `receive`, `subscribe` (group_add, renewed) and `publish` (group_send).
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Gauge, Histogram

# From a fraction of a millisecond (a quiet board) to seconds (a database in trouble).
_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

SOCKETS_OPEN = Gauge("journeymap_sockets_open", "Board WebSockets open on this process.")
OPS_COMMITTED = Counter(
    "journeymap_ops_committed", "Op frames committed (one revision each), duplicates excluded."
)
COMMIT_SECONDS = Histogram(
    "journeymap_commit_seconds", "Duration of one group commit.", buckets=_BUCKETS
)
COMMIT_FAILURES = Counter(
    "journeymap_commit_failures", "Group commits the database failed (all their frames)."
)
FANOUT_SECONDS = Histogram(
    "journeymap_fanout_seconds",
    "From publishing a board event to handing it to this process's sockets.",
    buckets=_BUCKETS,
)
FRAMES_REFUSED = Counter("journeymap_frames_refused", "Frames refused, by error code.", ["code"])
CHANNEL_LAYER_ERRORS = Counter(
    "journeymap_channel_layer_errors", "Failed channel-layer calls, by operation.", ["operation"]
)


def stamped(message: dict) -> dict:
    """`message` with the time it is published, for FANOUT_SECONDS where it arrives."""
    return {**message, "published": time.time()}


def fanned_out(message: dict) -> None:
    """`message` was handed to this process's sockets."""
    published = message.get("published")
    if isinstance(published, float):
        FANOUT_SECONDS.observe(max(0.0, time.time() - published))
