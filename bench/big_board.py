"""How long a 10,000-card board with 5,000 arrows takes to open: the `snapshot` a fresh
page's `sync` gets, over a real daphne, cut into `part` frames at several message limits,
and as one message with daphne's limit raised instead.

Run from the project root (PostgreSQL on 127.0.0.1:5432, user postgres):

    .venv/bin/python bench/big_board.py [--cards 10000] [--arrows 5000] [--rounds 7]

It makes the board in its own database (`journeymap_bench_big`), then, for each variant,
starts one daphne (in-memory channel layer) with that variant's limits and measures, on
one client written from docs/protocol.md (Python `websockets`):

- cold: `sync` sent to the whole snapshot parsed, on a board this process has not
  served yet (a new revision each round: one card moved between rounds), which reads
  and encodes the board on the server;
- warm: the same for a second page opened while the first is still open, served from
  the room's snapshot of the revision (boards.live.snapshot_cache.Snapshots);

plus the server's side alone, in this process: reading the board (board_state), encoding
it and cutting it. Medians of `--rounds` rounds. Printed as Markdown
(docs/performance.md records them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import live_sync
from live_sync import BASE, DaphneProcess, free_port

MIB = 1024 * 1024
# (label, WEBSOCKET_MAX_MESSAGE_BYTES, daphne --websocket-max-message-size)
VARIANTS = [
    ("parts of 256 KiB", 256 * 1024, MIB),
    ("parts of 512 KiB (default)", 512 * 1024, MIB),
    ("parts of 1,000,000 bytes", 1_000_000, MIB),
    ("one message, daphne limit raised to 16 MiB", 16 * MIB, 16 * MIB),
]


def make_board(cards: int, arrows: int):
    from boards.actions import board_create
    from boards.models import Board
    from journeymap.actions import organisation_create
    from journeymap.models import Organisation, User
    from tests.bigboard import fill_board

    email = f"bench-big@{live_sync.EMAIL_DOMAIN}"
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None, name="Bench"
    )
    org = Organisation.objects.filter(name="Bench big boards").first()
    if org is None:
        org = organisation_create(name="Bench big boards", creator=user)
    Board.objects.filter(organisation=org).delete()
    board = board_create(organisation=org, title="Big board", framework="clm4", created_by=user)
    fill_board(board, user, cards=cards, arrows=arrows)
    return board, user


def cookie_of(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def server_side(board, limit: int, rounds: int) -> dict:
    from boards.live.parts import parts
    from boards.live.protocol import dumps_frame
    from boards.selectors import board_state

    read, encode, cut = [], [], []
    for _ in range(rounds):
        start = time.perf_counter()
        state = board_state(board)
        read.append(time.perf_counter() - start)
        start = time.perf_counter()
        text = dumps_frame({"type": "snapshot", "rev": 1, "epoch": 1, "state": state})
        encode.append(time.perf_counter() - start)
        start = time.perf_counter()
        messages = parts(text, limit)
        cut.append(time.perf_counter() - start)
    return {
        "read": statistics.median(read),
        "encode": statistics.median(encode),
        "cut": statistics.median(cut),
        "bytes": len(text.encode()),
        "messages": len(messages),
    }


async def open_page(url: str, origin: str, cookie: str, then=None) -> tuple[float, int, int]:
    """(seconds from sync to the parsed snapshot, messages, cards) for one fresh page;
    `then`, a coroutine function, runs while this page is still open (so that the room,
    and its snapshot of the revision, stay)."""
    from websockets.asyncio.client import connect

    async with connect(
        url, origin=origin, additional_headers={"Cookie": cookie}, max_size=None
    ) as socket:
        while json.loads(await socket.recv())["type"] != "welcome":
            pass
        start = time.perf_counter()
        await socket.send(json.dumps({"type": "sync", "rev": None, "epoch": None}))
        pieces: dict[str, list] = {}
        messages = 0
        while True:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 60))
            messages += 1
            if frame["type"] == "part":
                texts = pieces.setdefault(frame["id"], [None] * frame["count"])
                texts[frame["index"]] = frame["text"]
                if None in texts:
                    continue
                frame = json.loads("".join(texts))
            if frame["type"] == "snapshot":
                result = time.perf_counter() - start, messages, len(frame["state"]["cards"])
                break
        if then is not None:
            return result, await then()
        return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--arrows", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database", default="journeymap_bench_big")
    args = parser.parse_args()

    db_url = live_sync.database_url(args.database)
    live_sync.ensure_database(args.database)
    env = live_sync.server_env(
        argparse.Namespace(layer="core", conn_max_age=60, debug=False), db_url
    )
    env.pop("REDIS_URL")  # one process: the in-memory layer
    live_sync.migrate(env)
    live_sync.setup_django(env)
    board, user = make_board(args.cards, args.arrows)
    cookie = cookie_of(user)

    print(f"Board: {args.cards:,} cards, {args.arrows:,} arrows; {args.rounds} rounds each.\n")
    print("| variant | snapshot | messages | cold open (median) | warm open (median) |")
    print("| --- | --- | --- | --- | --- |")
    server = {}
    for label, limit, daphne_limit in VARIANTS:
        port = free_port()
        server_env = {
            **live_sync.server_env(
                argparse.Namespace(layer="core", conn_max_age=60, debug=False), db_url, port
            ),
            "WEBSOCKET_MAX_MESSAGE_BYTES": str(limit),
        }
        server_env.pop("REDIS_URL")
        cold, warm, count = [], [], 0
        with DaphneProcess(
            env=server_env,
            port=port,
            log=BASE / "test-results" / "bench-big-board-daphne.log",
            args=["--websocket-max-message-size", str(daphne_limit)],
        ) as daphne:
            url = f"{daphne.ws_url}/ws/boards/{board.pk}/"
            for _ in range(args.rounds):
                bump(board)

                async def second(url=url, origin=daphne.origin):
                    return await open_page(url, origin, cookie)

                first, again = asyncio.run(open_page(url, daphne.origin, cookie, second))
                seconds, count, cards = first
                assert cards == again[2] == args.cards, cards
                cold.append(seconds)
                warm.append(again[0])
        server[label] = server_side(board, limit, args.rounds)
        print(
            f"| {label} | {server[label]['bytes'] / MIB:.1f} MiB | {count} |"
            f" {statistics.median(cold) * 1000:.0f} ms | {statistics.median(warm) * 1000:.0f} ms |"
        )
    print("\nIn the server process (medians), the same for every variant but the cut:\n")
    print("| variant | read (board_state) | encode (JSON) | cut into parts |")
    print("| --- | --- | --- | --- |")
    for label, figures in server.items():
        print(
            f"| {label} | {figures['read'] * 1000:.0f} ms | {figures['encode'] * 1000:.0f} ms |"
            f" {figures['cut'] * 1000:.1f} ms |"
        )
    return 0


def bump(board) -> None:
    """A new revision number, so that the next sync reads and encodes the board afresh."""
    from boards.models import Board

    Board.objects.filter(pk=board.pk).update(rev=board.rev + 1)
    board.rev += 1


if __name__ == "__main__":
    sys.exit(main())
