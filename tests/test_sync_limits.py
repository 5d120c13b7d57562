"""The socket's limits (docs/protocol.md, "Limits"): an oversized frame closes with
4009, a flood with 4408, and neither reaches the database."""

from __future__ import annotations

import json

import pytest

from boards.models import Card
from tests.ws import new_id, ping, receive_close, receive_type, send_ops, stored

pytestmark = pytest.mark.django_db(transaction=True)


def _creates(count: int, text: str = "") -> tuple[list[str], list[dict]]:
    ids = [new_id() for _ in range(count)]
    return ids, [{"op": "card.create", "id": i, "kind": "note", "text": text} for i in ids]


async def test_it_closes_with_4009_on_a_frame_over_the_size_limit(
    sockets, board, members, settings
):
    editor, welcome, _ = await sockets.join(members["editor"], board)
    limit = welcome["limits"]["max_frame_bytes"]
    assert limit == settings.WEBSOCKET_MAX_FRAME_BYTES
    # Every op in it is fine, and so is their number: only the size is wrong.
    ids, ops = _creates(400, "x" * 200)
    frame = json.dumps({"type": "op", "op_id": new_id(), "ops": ops})
    assert len(frame.encode()) > limit
    before = await stored(board.pk)

    await editor.send_to(text_data=frame)
    assert await receive_close(editor) == 4009
    assert await stored(board.pk) == before
    assert not await Card.objects.filter(id__in=ids).aexists()


async def test_it_counts_bytes_not_characters(sockets, board, members, settings):
    settings.WEBSOCKET_MAX_FRAME_BYTES = 2048
    editor, _, _ = await sockets.join(members["editor"], board)
    # 700 characters, 2,100 bytes in UTF-8.
    ids, ops = _creates(1, "€" * 700)
    text = json.dumps({"type": "op", "op_id": new_id(), "ops": ops}, ensure_ascii=False)
    assert len(text) < 2048 < len(text.encode())
    before = await stored(board.pk)

    await editor.send_to(text_data=text)
    assert await receive_close(editor) == 4009
    assert await stored(board.pk) == before
    assert not await Card.objects.filter(id__in=ids).aexists()


async def test_it_takes_a_frame_at_the_size_limit(sockets, board, members, settings):
    settings.WEBSOCKET_MAX_FRAME_BYTES = 2048
    editor, _, _ = await sockets.join(members["editor"], board)
    [card], ops = _creates(1)
    frame = {"type": "op", "op_id": new_id(), "ops": ops}
    padding = 2048 - len(json.dumps(frame).encode())
    frame["ops"][0]["text"] = "x" * padding
    assert len(json.dumps(frame).encode()) == 2048

    await editor.send_json_to(frame)
    assert (await receive_type(editor, {"ack", "error"}))["type"] == "ack"
    assert await Card.objects.filter(id=card).aexists()


async def test_it_closes_with_4408_when_the_token_bucket_runs_dry(
    sockets, board, members, settings
):
    settings.WEBSOCKET_BURST = 5
    # One token every 1,000 s: none comes back while the test runs, however slow.
    settings.WEBSOCKET_RATE = 0.001
    editor, welcome, _ = await sockets.join(members["editor"], board)  # sync: 1 token
    assert welcome["limits"]["burst"] == 5
    first = new_id()
    ack = await send_ops(editor, [{"op": "card.create", "id": first, "kind": "note"}])  # 2
    assert ack["type"] == "ack"
    await receive_type(editor, "patch")
    assert (await ping(editor))["rev"] == 1  # 3
    before = await stored(board.pk)

    await editor.send_json_to({"type": "ping"})  # 4
    await editor.send_json_to({"type": "ping"})  # 5: the last token
    flood = []
    for _ in range(10):
        ids, ops = _creates(1)
        flood += ids
        await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": ops})

    assert (await receive_type(editor, "pong"))["rev"] == 1
    assert (await receive_type(editor, "pong"))["rev"] == 1
    assert await receive_close(editor) == 4408
    assert await stored(board.pk) == before
    assert not await Card.objects.filter(id__in=flood).aexists()
    assert await Card.objects.filter(id=first).aexists()


async def test_the_token_bucket_is_per_socket(sockets, board, members, settings):
    settings.WEBSOCKET_BURST = 3
    settings.WEBSOCKET_RATE = 0.001
    first, _, _ = await sockets.join(members["editor"], board)  # 1
    second, _, _ = await sockets.join(members["editor"], board)  # 1
    assert (await ping(first))["type"] == "pong"  # 2
    assert (await ping(first))["type"] == "pong"  # 3
    await first.send_json_to({"type": "ping"})
    assert await receive_close(first) == 4408
    # The other page of the same person has its own bucket.
    assert (await ping(second))["type"] == "pong"  # 2
    assert (await ping(second))["type"] == "pong"  # 3
