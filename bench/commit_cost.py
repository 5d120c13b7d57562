"""The database side of live sync alone: what committing one op costs, by group size.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/commit_cost.py [--ops 300] [--groups 1,5,10,15,40] [--pause 0.1]

It uses bench/live_sync.py's database (`journeymap_bench`) and fixture (a board of 200
cards, one user per client), and calls boards.live.commit.commit_requests in this process, one
`card.update` per frame (each on another card, as the live bench's senders do), in
groups of each size: the median wall and CPU time per committed op, and the statements
per group. With --pause, it sleeps between groups, as the live bench's latency phase
leaves a quiet board between ops: a commit after a pause costs more (cold caches). This
is the database thread's share of daphne's CPU in the live bench; a group is what a busy
board's frames become (boards/live/room.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live_sync


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=300, help="ops committed per group size")
    parser.add_argument("--groups", default="1,5,10,15,40")
    parser.add_argument("--database", default="journeymap_bench")
    parser.add_argument(
        "--pause",
        type=float,
        default=0.0,
        help="seconds of sleep between groups (0.1: as cold as the live bench's 10 ops/s)",
    )
    parser.add_argument(
        "--sessions",
        action="store_true",
        help="frames carry their sender's session key, as a socket's do (checked per commit)",
    )
    args = parser.parse_args()

    db_url = live_sync.database_url(args.database)
    live_sync.ensure_database(args.database)
    env = live_sync.server_env(
        argparse.Namespace(layer="core", conn_max_age=60, debug=False), db_url
    )
    live_sync.migrate(env)
    live_sync.setup_django(env)
    fixture = live_sync.make_fixture(clients=20, cards=200)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from boards.live.commit import OpRequest, commit_requests
    from journeymap.models import User

    users = list(User.objects.filter(email__endswith="@" + live_sync.EMAIL_DOMAIN)[:20])
    cards = fixture.card_ids
    sessions = {user.pk: _session_key(user) if args.sessions else None for user in users}

    def groups(size: int, count: int):
        for g in range(count // size):
            yield [
                OpRequest(
                    users[(g * size + n) % len(users)],
                    str(uuid.uuid4()),
                    [
                        {
                            "op": "card.update",
                            "id": cards[(g * size + n) % len(cards)],
                            "x": float(g),
                            "y": float(n),
                        }
                    ],
                    session_key=sessions[users[(g * size + n) % len(users)].pk],
                )
                for n in range(size)
            ]

    print("| frames per group | wall ms per op | CPU ms per op | statements per group |")
    print("| ---: | ---: | ---: | ---: |")
    for size in [int(n) for n in args.groups.split(",")]:
        for group in groups(size, size * 3):  # warm up: connection, caches
            commit_requests(board_id=fixture.board_id, requests=group)
        with CaptureQueriesContext(connection) as captured:
            commit_requests(board_id=fixture.board_id, requests=next(groups(size, size)))
        statements = len(captured.captured_queries)
        walls, cpus = [], []
        for group in groups(size, args.ops):
            if args.pause:
                time.sleep(args.pause)
            wall, cpu = time.perf_counter(), time.process_time()
            commit_requests(board_id=fixture.board_id, requests=group)
            walls.append((time.perf_counter() - wall) / size * 1000)
            cpus.append((time.process_time() - cpu) / size * 1000)
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"| {size} | {wall:.2f} | {cpu:.2f} | {statements} |")
    return 0


def _session_key(user) -> str:
    """A signed-in session of `user`, as a browser's login leaves it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


if __name__ == "__main__":
    sys.exit(main())
