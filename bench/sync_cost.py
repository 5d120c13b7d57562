"""What a `sync` answered with a snapshot costs the database thread, with and without the
room's snapshot of the board's current revision (boards.live.snapshot_cache.Snapshots).

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/sync_cost.py [--cards 3000] [--sockets 40] [--database NAME]

It makes a board of `--cards` cards in its own database (bench/live_sync.py's fixture),
then answers `--sockets` fresh syncs of it (`rev` null, as 40 guests opening a share link
send) one after the other in this process, as daphne's one database thread does: once
with a new, empty Snapshots per sync (each reads and encodes the whole board under the
board's lock, as before) and once with the room's one Snapshots. It prints the median
time of one sync and the total for all of them: the total is how long another socket's
ping or commit waits behind them on that thread.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live_sync


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=3000)
    parser.add_argument("--sockets", type=int, default=40)
    parser.add_argument("--database", default="journeymap_bench_sync")
    args = parser.parse_args()

    db_url = live_sync.database_url(args.database)
    live_sync.ensure_database(args.database)
    env = live_sync.server_env(
        argparse.Namespace(layer="core", conn_max_age=60, debug=False), db_url
    )
    live_sync.migrate(env)
    live_sync.setup_django(env)
    fixture = live_sync.make_fixture(clients=1, cards=args.cards)

    from boards.access import get_viewer_for_board
    from boards.live.reads import sync_reply as _sync
    from boards.live.snapshot_cache import Snapshots
    from journeymap.models import User

    user = User.objects.get(email=f"bench-0@{live_sync.EMAIL_DOMAIN}")
    _board, viewer = get_viewer_for_board(
        user, fixture.board_id, fixture.cookies[0].split("=", 1)[1]
    )
    size = sum(len(t.encode()) for t in _sync(viewer, fixture.board_id, None, None, Snapshots()))
    print(f"board: {args.cards} cards, snapshot frame {size / 1024:.0f} KiB")
    for label, cache in (("each sync reads the board", None), ("one Snapshots", Snapshots())):
        times = []
        for _ in range(args.sockets):
            start = time.perf_counter()
            _sync(viewer, fixture.board_id, None, None, cache or Snapshots())
            times.append(time.perf_counter() - start)
        print(
            f"{label}: {args.sockets} syncs, median {statistics.median(times) * 1000:.1f} ms,"
            f" total {sum(times) * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
