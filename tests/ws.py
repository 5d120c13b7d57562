"""Helpers for WebSocket tests: a logged-in WebsocketCommunicator on a board."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from boards.live import room as fanout
from journeymap.asgi import application

ORIGIN = b"http://testserver"


@sync_to_async
def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(
    user,
    board,
    *,
    origin: bytes = ORIGIN,
    path: str | None = None,
    client: Client | None = None,
    accept_language: str | None = None,
):
    """Connect as `user` (None: anonymous), on the session of `client` if given (a test
    Client logged in as `user`), from a browser asking for `accept_language` if given;
    return the communicator, connected."""
    headers = [(b"origin", origin)] if origin else []
    if accept_language:
        headers.append((b"accept-language", accept_language.encode()))
    if client is not None:
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    elif user is not None:
        cookie = await _session_cookie(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(
        application, path or f"/ws/boards/{board.pk}/", headers=headers
    )
    connected, _ = await communicator.connect()
    return communicator, connected


async def join(user, board, *, rev=None, epoch=None):
    """Connect, read welcome, sync; return (communicator, welcome, sync reply)."""
    communicator, connected = await open_socket(user, board)
    assert connected
    welcome = await communicator.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome", welcome
    await communicator.send_json_to({"type": "sync", "rev": rev, "epoch": epoch})
    reply = await receive_type(communicator, {"snapshot", "patches"})
    await receive_type(communicator, "workshop")  # follows every sync reply
    return communicator, welcome, reply


async def receive_frame(communicator, timeout: float = 5) -> dict:
    """The next frame from the server, the frames of a `bundle` one by one."""
    queued = communicator.__dict__.setdefault("bundled", [])
    if not queued:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] != "bundle":
            return frame
        queued.extend(frame["frames"])
    return queued.pop(0)


async def receive_type(communicator, types: set[str] | str, timeout: float = 5) -> dict:
    """The next frame of one of `types`, skipping presence chatter and the `workshop`
    frame that follows every sync reply (unless asked for)."""
    types = {types} if isinstance(types, str) else types
    while True:
        frame = await receive_frame(communicator, timeout=timeout)
        if frame["type"] in types:
            return frame
        if frame["type"] not in {"joined", "left", "presence", "workshop"}:
            raise AssertionError(f"expected {types}, got {frame}")


async def send_ops(communicator, ops: list[dict], op_id: str | None = None) -> dict:
    """Send an op frame; return the ack or error frame."""
    op_id = op_id or str(uuid.uuid4())
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    return await receive_type(communicator, {"ack", "error"})


class LossyBroadcasts:
    """Drops the broadcast of committed revisions on purpose (boards.live.room.Room.publish:
    to this process's sockets and, through the channel layer, to the others), every
    `every`th one (every=1 drops them all). Presence and the rest pass. What the server
    then owes a client is only what revisions give it: acks, pongs and sync replies."""

    def __init__(self, monkeypatch, every: int) -> None:
        self.original = fanout.Room.publish
        self.every = every
        self.sent = 0
        self.dropped = 0
        lossy = self

        def publish(room, message: dict) -> None:
            if message["type"] == "board.patch":
                lossy.sent += 1
                if lossy.sent % lossy.every == 0:
                    lossy.dropped += 1
                    return
            lossy.original(room, message)

        monkeypatch.setattr(fanout.Room, "publish", publish)


def new_id() -> str:
    return str(uuid.uuid4())


def dumps(frame) -> str:
    return json.dumps(frame)


async def receive_close(
    communicator,
    *,
    skip: frozenset[str] = frozenset({"joined", "left", "presence", "workshop"}),
    timeout=5,
) -> int:
    """The code of the server's close, skipping frames whose type is in `skip` (pass
    `skip=frozenset()` to require that nothing at all came before the close)."""
    while True:
        message = await communicator.receive_output(timeout=timeout)
        if message["type"] == "websocket.close":
            return message.get("code", 1000)
        assert message["type"] == "websocket.send", message
        frame = json.loads(message["text"])
        if frame["type"] not in skip:
            raise AssertionError(f"expected a close, got {frame}")


async def ping(communicator) -> dict:
    """Send `ping` and return the `pong`: proves the socket is still open and serving."""
    await communicator.send_json_to({"type": "ping"})
    return await receive_type(communicator, "pong")


@sync_to_async
def stored(board_id) -> dict:
    """Everything the database holds for a board, deleted rows and the op log included:
    equal before and after a refused frame proves that nothing reached the database."""
    from boards.models import Arrow, Board, Card, CardLink, OpLog, Phase

    return {
        "board": Board.objects.filter(pk=board_id)
        .values("title", "stage", "rev", "epoch", "updated", "updated_by")
        .first(),
        "phases": list(Phase.objects.filter(board_id=board_id).order_by("position", "id").values()),
        "cards": list(Card.objects.filter(board_id=board_id).order_by("id").values()),
        "arrows": list(Arrow.objects.filter(board_id=board_id).order_by("id").values()),
        "links": list(CardLink.objects.filter(board_id=board_id).order_by("id").values()),
        "oplog": list(
            OpLog.objects.filter(board_id=board_id).order_by("rev").values_list("rev", "op_id")
        ),
    }


class Sockets:
    """The sockets one test opens, so that a fixture can disconnect every one of them
    afterwards, whether the test passed or not."""

    def __init__(self) -> None:
        self.opened: list[WebsocketCommunicator] = []

    async def open(self, user, board, **kwargs):
        communicator, connected = await open_socket(user, board, **kwargs)
        self.opened.append(communicator)
        return communicator, connected

    async def join(self, user, board, *, rev=None, epoch=None, **kwargs):
        """Like `join`: connect, read welcome, sync; return (communicator, welcome, reply)."""
        communicator, connected = await self.open(user, board, **kwargs)
        assert connected
        welcome = await receive_type(communicator, "welcome")
        await communicator.send_json_to({"type": "sync", "rev": rev, "epoch": epoch})
        reply = await receive_type(communicator, {"snapshot", "patches"})
        await receive_type(communicator, "workshop")  # follows every sync reply
        return communicator, welcome, reply

    async def close_all(self) -> None:
        for communicator in self.opened:
            await communicator.disconnect()


async def watched_board(sockets: Sockets, board, members) -> SimpleNamespace:
    """The conftest board with an editor writing and a viewer watching it, and the ids of
    its phases (in order), its two cards and its arrow. For `commit`."""
    author, _, snapshot = await sockets.join(members["editor"], board)
    observer, _, _ = await sockets.join(members["viewer"], board)
    state = snapshot["state"]
    cards = {card["text"]: card["id"] for card in state["cards"]}
    return SimpleNamespace(
        author=author,
        observer=observer,
        board=board,
        editor=members["editor"],
        phases=[phase["id"] for phase in state["phases"]],
        first=cards["Instagram ad"],
        second=cards["Welcome e-mail"],
        arrow=state["arrows"][0]["id"],
    )


async def commit(live: SimpleNamespace, ops: list[dict], *, op_id: str | None = None) -> list:
    """Send `ops` as the editor of a `watched_board`. Check the ack, that both pages got
    the same patch with the next revision, and that the op log stored it as broadcast;
    return the patch's ops."""
    from boards.models import Board, OpLog

    op_id = op_id or new_id()
    before = await Board.objects.values_list("rev", flat=True).aget(pk=live.board.pk)
    ack = await send_ops(live.author, ops, op_id)
    assert ack == {"type": "ack", "op_id": op_id, "rev": before + 1}
    patch = await receive_type(live.observer, "patch")
    assert await receive_type(live.author, "patch") == patch
    assert patch == {
        "type": "patch",
        "rev": before + 1,
        "epoch": 1,
        "op_id": op_id,
        "by": live.editor.pk,
        "ops": patch["ops"],
    }
    assert await Board.objects.values_list("rev", flat=True).aget(pk=live.board.pk) == (before + 1)
    entry = await OpLog.objects.aget(board_id=live.board.pk, rev=before + 1)
    assert str(entry.op_id) == op_id
    assert entry.user_id == live.editor.pk
    assert entry.ops == patch["ops"]
    return patch["ops"]
