"""Big boards open and stay open (issue 15, item 5): daphne will not send a message over
its limit (1 MiB by default), so a snapshot, a bundle or a patch larger than
WEBSOCKET_MAX_MESSAGE_BYTES goes as several messages (boards/live/parts.py,
docs/protocol.md "Large messages"); and one card cap, BOARD_MAX_CARDS, for ops and
imports alike.

The first tests run a real daphne (tests/daphne.py) serving pytest-django's test
database, as the browser tests do, since the limit is daphne's own: channels' test
communicator has none.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from websockets.asyncio.client import connect

from boards.live.parts import size
from boards.models import Card
from boards.selectors import board_state
from tests.bigboard import fill_board
from tests.daphne import DaphneProcess, database_url
from tests.statemodel import canonical
from tests.test_group_commit import held, queued  # noqa: F401 (a fixture, a helper)
from tests.ws import new_id, receive_type

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 30  # seconds for a message that must come (a 10,000-card board is read first)
DAPHNE_LIMIT = 1024 * 1024  # daphne's default --websocket-max-message-size


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """daphne with its message limit as the README's production command sets it."""
    with django_db_blocker.unblock():
        url = database_url()
    limit = str(DAPHNE_LIMIT)
    with DaphneProcess(
        database_url=url,
        name="daphne-big",
        args=["--websocket-max-message-size", limit, "--websocket-max-frame-size", limit],
    ) as started:
        yield started


@pytest.fixture(scope="module")
def tight_server(django_db_setup, django_db_blocker):
    """daphne with a message limit of 100,000 bytes, the server's own at 90,000: a few
    frames of long texts committed together make a bundle over it."""
    with django_db_blocker.unblock():
        url = database_url()
    with DaphneProcess(
        database_url=url,
        name="daphne-tight",
        args=["--websocket-max-message-size", "100000"],
        env={"WEBSOCKET_MAX_MESSAGE_BYTES": "90000"},
    ) as started:
        yield started


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def run(main):
    """Run the coroutine function `main` in an event loop of its own, in a fresh thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


class Page:
    """A client written from docs/protocol.md: it assembles `part` frames and unpacks
    bundles, and keeps the size of every message it got."""

    def __init__(self, server: DaphneProcess, board, cookie: str) -> None:
        self.url = f"{server.ws_url}/ws/boards/{board.pk}/"
        self.origin = server.origin
        self.cookie = cookie
        self.sizes: list[int] = []
        self.parts: dict[str, list] = {}
        self.frames: list[dict] = []

    async def __aenter__(self) -> Page:
        self.socket = await connect(
            self.url,
            origin=self.origin,
            additional_headers={"Cookie": self.cookie},
            max_size=None,  # the server is what must keep messages small, not this client
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def send(self, frame: dict) -> None:
        await self.socket.send(json.dumps(frame))

    async def next(self, *types: str) -> dict:
        """The next whole frame of one of `types` (others are kept in `frames`)."""
        while True:
            message = await asyncio.wait_for(self.socket.recv(), TIMEOUT)
            self.sizes.append(size(message))
            frame = json.loads(message)
            if frame["type"] == "part":
                texts = self.parts.setdefault(frame["id"], [None] * frame["count"])
                texts[frame["index"]] = frame["text"]
                if None in texts:
                    continue
                frame = json.loads("".join(self.parts.pop(frame["id"])))
            inner = frame["frames"] if frame["type"] == "bundle" else [frame]
            self.frames.extend(inner)
            for each in inner:
                if each["type"] in types:
                    return each


def test_a_board_of_10000_cards_and_5000_arrows_opens_whole_and_stays_open(server, board, members):
    fill_board(board, members["owner"], cards=10_000 - 2, arrows=5_000 - 1)
    expected = canonical(board_state(board))
    assert (len(expected["cards"]), len(expected["arrows"])) == (10_000, 5_000)
    cookie = session_cookie(members["editor"])
    card = expected["cards"][0]["id"]

    async def main():
        async with Page(server, board, cookie) as page, Page(server, board, cookie) as second:
            await page.next("welcome")
            await page.send({"type": "sync", "rev": None, "epoch": None})
            snapshot = await page.next("snapshot")
            # The socket is still open: it answers a ping and commits an edit.
            await page.send({"type": "ping"})
            pong = await page.next("pong")
            op_id = new_id()
            await page.send(
                {
                    "type": "op",
                    "op_id": op_id,
                    "ops": [{"op": "card.update", "id": card, "text": "Still open"}],
                }
            )
            ack = await page.next("ack")
            # A second page opening the board gets the same board.
            await second.next("welcome")
            await second.send({"type": "sync", "rev": None, "epoch": None})
            again = await second.next("snapshot")
            return snapshot, pong, ack, op_id, page.sizes, again

    snapshot, pong, ack, op_id, sizes, again = run(main)

    assert canonical(snapshot["state"]) == expected
    assert pong["rev"] == snapshot["rev"]
    assert ack == {"type": "ack", "op_id": op_id, "rev": snapshot["rev"] + 1}
    assert Card.objects.get(pk=card).text == "Still open"
    assert len(again["state"]["cards"]) == 10_000
    assert next(c for c in again["state"]["cards"] if c["id"] == card)["text"] == "Still open"
    # Several messages, none over the limit: one would be refused by daphne.
    assert max(sizes) <= settings.WEBSOCKET_MAX_MESSAGE_BYTES
    assert sum(sizes) > DAPHNE_LIMIT


def test_a_group_commit_over_the_message_limit_reaches_everyone(tight_server, board, members):
    """Six editors send a frame of long texts at once: what one commit takes together
    would make a bundle over daphne's limit (100,000 bytes here), which it would refuse
    to send, dropping every socket on the board."""
    fill_board(board, members["owner"], cards=120, arrows=0)
    cards = [str(pk) for pk in Card.objects.filter(board=board).values_list("id", flat=True)]
    authors = [members[role] for role in ("editor", "facilitator", "admin", "owner")] * 2
    cookies = [session_cookie(user) for user in authors[:6]]
    watcher = session_cookie(members["viewer"])

    def frame(n: int) -> dict:
        text = (f"Sticky {n} " * 200)[:1990]  # 2,000 characters is a card's limit
        ops = [
            {"op": "card.update", "id": card, "text": text} for card in cards[n * 14 : n * 14 + 14]
        ]
        return {"type": "op", "op_id": new_id(), "ops": ops}

    frames = [frame(n) for n in range(6)]
    assert all(len(json.dumps(f)) < settings.WEBSOCKET_MAX_FRAME_BYTES for f in frames)

    async def main():
        async with Page(tight_server, board, watcher) as watching:
            await watching.next("welcome")
            await watching.send({"type": "sync", "rev": None, "epoch": None})
            start = (await watching.next("snapshot"))["rev"]
            pages = [Page(tight_server, board, cookie) for cookie in cookies]
            for page in pages:
                await page.__aenter__()
                await page.next("welcome")
            await asyncio.gather(*(page.send(f) for page, f in zip(pages, frames, strict=True)))
            acks = [await page.next("ack") for page in pages]
            while len([f for f in watching.frames if f["type"] == "patch"]) < len(frames):
                await watching.next("patch")
            for page in pages:
                await page.__aexit__()
            return start, acks, watching

    start, acks, watching = run(main)

    assert sorted(ack["rev"] for ack in acks) == list(range(start + 1, start + 7))
    patches = [f for f in watching.frames if f["type"] == "patch"]
    assert sorted(p["rev"] for p in patches) == list(range(start + 1, start + 7))
    assert max(watching.sizes) <= 90_000
    assert Card.objects.get(pk=cards[0]).text.startswith("Sticky 0")


async def test_a_bundle_over_the_limit_goes_as_several_each_under_it(
    sockets,
    board,
    members,
    settings,
    held,  # noqa: F811 (tests/test_group_commit.py's fixture)
):
    """The same, held so that the group forms for certain: the watcher gets every
    revision, in order, in bundles that each fit."""
    settings.WEBSOCKET_MAX_MESSAGE_BYTES = 5000
    observer, _, snapshot = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    authors = [
        (await sockets.join(members[role], board))[0]
        for role in ("editor", "facilitator", "admin", "owner", "editor")
    ]
    texts = [f"{n} " + "words " * 300 for n in range(5)]
    for n, author in enumerate(authors):
        ops = [{"op": "card.update", "id": card, "text": texts[n][:1999]}]
        await author.send_json_to({"type": "op", "op_id": new_id(), "ops": ops})
        if n == 0:
            await asyncio.sleep(0.1)  # the first commit is running (held)
    await queued(4)
    held.release()
    for author in authors:
        assert (await receive_type(author, {"ack", "patch"}))["type"] in {"ack", "patch"}

    messages = []
    revs: list[int] = []
    while len(revs) < 5:
        output = await observer.receive_output(timeout=5)
        text = output["text"]
        frame = json.loads(text)
        if frame["type"] in {"joined", "left", "presence"}:
            continue
        messages.append(frame["type"])
        assert size(text) <= 5000
        revs += [f["rev"] for f in frame.get("frames", [frame])]
    assert revs == [1, 2, 3, 4, 5]
    assert messages.count("bundle") >= 2  # the four held frames did not fit in one


async def test_a_card_beyond_the_boards_cap_is_refused_and_changes_nothing(
    sockets, board, members, settings
):
    settings.BOARD_MAX_CARDS = 3  # the fixture's board has 2 cards
    editor, _, _ = await sockets.join(members["editor"], board)
    first = new_id()

    async def send_ops(ops):
        await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": ops})
        while True:
            frame = await receive_type(editor, {"ack", "error", "patch"})
            if frame["type"] != "patch":
                return frame

    made = await send_ops([{"op": "card.create", "id": first, "kind": "note"}])
    assert made["type"] == "ack"
    refused = await send_ops([{"op": "card.create", "id": new_id(), "kind": "note"}])
    assert refused["type"] == "error"
    assert refused["code"] == "card_limit"
    assert refused["message"] == (
        "This board holds 3 cards, as many as a board can: delete some first."
    )
    # A frame that deletes one and makes one fits; restoring the deleted one then does not.
    swap = await send_ops(
        [
            {"op": "card.delete", "id": first},
            {"op": "card.create", "id": new_id(), "kind": "note"},
        ],
    )
    assert swap["type"] == "ack"
    restored = await send_ops([{"op": "card.restore", "id": first}])
    assert restored["code"] == "card_limit"
    assert await Card.objects.filter(board=board, deleted=False).acount() == 3
    assert (await Card.objects.aget(pk=first)).deleted
