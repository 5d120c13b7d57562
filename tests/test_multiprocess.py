"""Two daphne processes serving the same board through Redis (docs/architecture.md, the
room and the channel layer): an op sent to one process reaches the pages on the other
as a patch, and presence crosses too. This is what production runs; the other socket tests use one
process and its in-memory or Redis channel layer.

Redis always runs on these machines, so this runs in both CI passes: the subprocesses
get REDIS_URL (the test process's, else database 15) whatever the test process itself
uses. They serve pytest-django's test database, so the test uses `transactional_db`
(rows committed, visible to them). The test functions are sync and run their
`websockets` clients with asyncio.run() in a thread of their own, away from
pytest-asyncio's loop.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect

from boards.models import Board, Card, OpLog
from boards.selectors import board_state
from tests.daphne import DaphneProcess, database_url
from tests.statemodel import apply_ops, canonical
from tests.ws import new_id

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
TIMEOUT = 10  # seconds to wait for a frame that must come


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        url = database_url()
    started = [
        DaphneProcess(database_url=url, redis_url=REDIS_URL, name="daphne-mp") for _ in range(2)
    ]
    try:
        for server in started:
            server.start()
        yield started
    finally:
        for server in started:
            server.stop()


def session_cookie(user) -> str:
    """A real session in the database, as a logged-in browser would hold."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run(main):
    """Run the coroutine function `main` in an event loop of its own, in a fresh thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


class Page:
    """One browser page's socket on one server: every frame it received, in order."""

    def __init__(self, server: DaphneProcess, board, cookie: str) -> None:
        self.url = f"{server.ws_url}/ws/boards/{board.pk}/"
        self.origin = server.origin
        self.cookie = cookie
        self.frames: list[dict] = []
        self.read = 0  # frames before this index were returned by next()

    async def __aenter__(self) -> Page:
        self.socket = await connect(
            self.url, origin=self.origin, additional_headers={"Cookie": self.cookie}
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def next(self, *types: str) -> dict:
        """The next frame of one of `types` not returned before (others are kept)."""
        while True:
            while self.read < len(self.frames):
                frame = self.frames[self.read]
                self.read += 1
                if frame["type"] in types:
                    return frame
            self.frames.extend(await self._receive())

    async def until(self, predicate) -> dict:
        """Read until a frame satisfies `predicate`; return it."""
        for frame in self.frames:
            if predicate(frame):
                return frame
        while True:
            frames = await self._receive()
            self.frames.extend(frames)
            for frame in frames:
                if predicate(frame):
                    return frame

    async def _receive(self) -> list[dict]:
        """The frames of the next message: one, or those of a `bundle`."""
        frame = json.loads(await asyncio.wait_for(self.socket.recv(), TIMEOUT))
        return frame["frames"] if frame["type"] == "bundle" else [frame]

    async def join(self) -> tuple[dict, dict]:
        welcome = await self.next("welcome")
        await self.send({"type": "sync", "rev": None, "epoch": None})
        return welcome, await self.next("snapshot")

    def state(self, snapshot: dict) -> dict:
        """The snapshot with every patch received since applied, in revision order."""
        state = copy.deepcopy(snapshot["state"])
        patches = sorted(
            (f for f in self.frames if f["type"] == "patch" and f["rev"] > snapshot["rev"]),
            key=lambda f: f["rev"],
        )
        assert [p["rev"] for p in patches] == list(
            range(snapshot["rev"] + 1, snapshot["rev"] + 1 + len(patches))
        )
        for patch in patches:
            apply_ops(state, patch["ops"], by=patch["by"], strict=True)
            state["board"]["rev"] = patch["rev"]
        return state


def test_ops_and_presence_cross_between_two_processes(servers, board, members):
    one, two = servers
    alice, bob = members["editor"], members["facilitator"]
    cookies = {alice.pk: session_cookie(alice), bob.pk: session_cookie(bob)}
    card = new_id()

    async def main():
        async with (
            Page(one, board, cookies[alice.pk]) as on_one,
            Page(two, board, cookies[bob.pk]) as on_two,
        ):
            welcome_one, snapshot_one = await on_one.join()
            welcome_two, snapshot_two = await on_two.join()
            assert welcome_one["you"]["user"] == alice.pk
            assert welcome_two["you"]["user"] == bob.pk
            # Presence crosses both ways: Bob's arrival is announced to Alice's page on the
            # other process, and Alice's page answers that she is there.
            # (A person: `you` without its `can`, which is for that page alone.)
            joined = await on_one.until(lambda f: f["type"] == "joined")
            assert {**joined, "can": welcome_two["you"]["can"]} == {
                "type": "joined",
                **welcome_two["you"],
            }
            joined = await on_two.until(lambda f: f["type"] == "joined")
            assert {**joined, "can": welcome_one["you"]["can"]} == {
                "type": "joined",
                **welcome_one["you"],
            }

            # An op sent to process one is a patch on process two ...
            op_id = new_id()
            ops = [{"op": "card.create", "id": card, "kind": "touchpoint", "text": "Via one"}]
            await on_one.send({"type": "op", "op_id": op_id, "ops": ops})
            ack = await on_one.next("ack", "error")
            assert ack == {"type": "ack", "op_id": op_id, "rev": snapshot_one["rev"] + 1}
            patch = await on_two.until(lambda f: f["type"] == "patch" and f["op_id"] == op_id)
            assert patch["rev"] == ack["rev"]
            assert patch["by"] == alice.pk
            assert patch["ops"][0]["text"] == "Via one"

            # ... and the other way round.
            op_id = new_id()
            ops = [{"op": "card.update", "id": card, "text": "Via two", "x": 240}]
            await on_two.send({"type": "op", "op_id": op_id, "ops": ops})
            ack = await on_two.next("ack", "error")
            assert ack == {"type": "ack", "op_id": op_id, "rev": patch["rev"] + 1}
            back = await on_one.until(lambda f: f["type"] == "patch" and f["op_id"] == op_id)
            assert back["rev"] == ack["rev"]
            assert back["by"] == bob.pk
            # Every page gets every patch, its own too.
            for page in (on_one, on_two):
                for rev in (patch["rev"], back["rev"]):
                    await page.until(lambda f, rev=rev: f["type"] == "patch" and f["rev"] == rev)
            states = on_one.state(snapshot_one), on_two.state(snapshot_two)
        return states

    state_one, state_two = run(main)
    expected = canonical(board_state(Board.objects.get(pk=board.pk)))
    assert canonical(state_one) == expected
    assert canonical(state_two) == expected
    assert Card.objects.get(pk=card).text == "Via two"


def test_a_page_leaving_one_process_is_announced_on_the_other(servers, board, members):
    one, two = servers
    alice, bob = members["editor"], members["viewer"]
    cookies = {alice.pk: session_cookie(alice), bob.pk: session_cookie(bob)}

    async def main():
        async with Page(one, board, cookies[alice.pk]) as on_one:
            await on_one.join()
            async with Page(two, board, cookies[bob.pk]) as on_two:
                welcome_two, _ = await on_two.join()
                await on_one.until(lambda f: f["type"] == "joined")
            left = await on_one.until(lambda f: f["type"] == "left")
            return left, welcome_two["you"]["session"]

    left, session = run(main)
    assert left == {"type": "left", "session": session}


def test_one_op_id_sent_to_both_processes_at_once_is_applied_once(servers, board, members):
    """A page that reconnects to another process and re-sends its op while the first
    process still commits it: one revision, the same ack on both sockets."""
    one, two = servers
    editor = members["editor"]
    cookie = session_cookie(editor)
    rev = Board.objects.get(pk=board.pk).rev
    op_id = new_id()
    # A large batch holds the board's lock for a while, so the two commits overlap.
    ops = [
        {"op": "card.create", "id": new_id(), "kind": "note", "text": f"{n}"} for n in range(300)
    ]

    async def main():
        async with Page(one, board, cookie) as first, Page(two, board, cookie) as second:
            await first.join()
            await second.join()
            frame = {"type": "op", "op_id": op_id, "ops": ops}
            await asyncio.gather(first.send(frame), second.send(frame))
            return await asyncio.gather(first.next("ack", "error"), second.next("ack", "error"))

    answers = run(main)
    assert answers == [{"type": "ack", "op_id": op_id, "rev": rev + 1}] * 2
    assert Board.objects.get(pk=board.pk).rev == rev + 1
    assert OpLog.objects.filter(board=board, op_id=op_id).count() == 1
    assert Card.objects.filter(board=board, kind="note").count() == 300


def test_daphne_delivers_the_close_codes_the_server_sends(servers, board, members):
    """Through a real daphne (whose WebSocket layer takes only 1000 and 3000-4999): a frame
    over the size limit closes with 4009, not a bare drop, and a socket on a path that
    names no board is closed with 4404 instead of an HTTP 500 at the handshake."""
    from websockets.exceptions import ConnectionClosed

    server = servers[0]
    cookie = session_cookie(members["editor"])

    async def close_code(socket) -> int:
        try:
            while True:
                await asyncio.wait_for(socket.recv(), TIMEOUT)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006

    async def main():
        async with Page(server, board, cookie) as page:
            await page.join()
            await page.socket.send("x" * (settings.WEBSOCKET_MAX_FRAME_BYTES + 1))
            too_big = await close_code(page.socket)
        codes = [too_big]
        for path in ("/ws/boards/not-a-uuid/", f"/ws/boards/{str(board.pk).upper()}/"):
            socket = await connect(
                server.ws_url + path, origin=server.origin, additional_headers={"Cookie": cookie}
            )
            codes.append(await close_code(socket))
        return codes

    assert run(main) == [4009, 4404, 4404]
