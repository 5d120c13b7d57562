"""Helpers for WebSocket tests: a logged-in WebsocketCommunicator on a board."""

from __future__ import annotations

import json
import uuid

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from journeymap.asgi import application

ORIGIN = b"http://testserver"


@sync_to_async
def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(user, board, *, origin: bytes = ORIGIN, path: str | None = None):
    """Connect as `user` (None: anonymous); return the communicator, connected."""
    headers = [(b"origin", origin)] if origin else []
    if user is not None:
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
    return communicator, welcome, reply


async def receive_type(communicator, types: set[str] | str, timeout: float = 5) -> dict:
    """The next frame of one of `types`, skipping presence chatter."""
    types = {types} if isinstance(types, str) else types
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] in types:
            return frame
        if frame["type"] not in {"joined", "left", "presence"}:
            raise AssertionError(f"expected {types}, got {frame}")


async def send_ops(communicator, ops: list[dict], op_id: str | None = None) -> dict:
    """Send an op frame; return the ack or error frame."""
    op_id = op_id or str(uuid.uuid4())
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    return await receive_type(communicator, {"ack", "error"})


def new_id() -> str:
    return str(uuid.uuid4())


def dumps(frame) -> str:
    return json.dumps(frame)
