"""A client that sends anything at all (docs/protocol.md): text PostgreSQL cannot store,
malformed frames, ids spelled otherwise, floods, too many sockets. Each is answered with an
`error` or a documented close (4000-4999), never a crash, and nothing reaches the database.
"""

from __future__ import annotations

import json

import pytest

from boards.live import reads as socket_reads
from boards.live.protocol import ProtocolError, parse_frame
from boards.sharing import share_link_create
from tests.ws import new_id, ping, receive_close, receive_type, send_ops, stored

pytestmark = pytest.mark.django_db(transaction=True)

SURROGATE = json.loads('"half an emoji \\ud83d"')  # as a browser can cut one
NUL = "nul \x00 here"
ID = "5f0c2a4e-8b1d-4c7e-9a3f-1d2e3f4a5b6c"
KPI = {"name": "Conversion", "unit": "%"}


def _op(*ops: dict) -> str:
    return json.dumps({"type": "op", "op_id": new_id(), "ops": list(ops)})


def _every_text_field(bad: str) -> list[dict]:
    """One op per text field of the protocol, with `bad` in it."""
    return [
        {"op": "card.create", "id": ID, "kind": "note", "text": bad},
        {"op": "card.update", "id": ID, "text": bad},
        {"op": "card.update", "id": ID, "kpi": bad},
        {"op": "arrow.create", "id": ID, "from": ID, "to": ID, "label": bad},
        {"op": "arrow.update", "id": ID, "label": bad},
        {"op": "phase.create", "id": ID, "name": bad, "position": 0},
        {"op": "phase.update", "id": ID, "name": bad},
        {"op": "phase.update", "id": ID, "kpis": [{**KPI, "name": bad}]},
        {"op": "phase.update", "id": ID, "kpis": [{**KPI, "unit": bad}]},
        {"op": "board.update", "title": bad},
    ]


@pytest.mark.parametrize("bad", [SURROGATE, NUL], ids=["lone surrogate", "NUL"])
@pytest.mark.parametrize("op", range(10))
def test_text_the_database_cannot_store_is_refused_in_every_field(bad, op):
    with pytest.raises(ProtocolError) as refused:
        parse_frame(_op(_every_text_field(bad)[op]), max_ops=10)
    assert refused.value.code == "invalid"


def test_an_unknown_field_or_op_is_named_in_a_message_that_can_be_sent():
    for frame in (
        _op({"op": "card.delete", "id": ID, SURROGATE: 1}),
        _op({"op": SURROGATE, "id": ID}),
        json.dumps({"type": SURROGATE}),
        json.dumps({"type": "ping", SURROGATE + "\x00": 1}),
    ):
        with pytest.raises(ProtocolError) as refused:
            parse_frame(frame, max_ops=10)
        refused.value.message.encode("utf-8")  # no lone surrogate
        assert "\x00" not in refused.value.message


async def test_a_lone_surrogate_is_answered_with_invalid_and_stores_nothing(
    sockets, board, members
):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    card = snapshot["state"]["cards"][0]["id"]
    before = await stored(board.pk)
    # As a browser sends half an emoji: JSON's escape of a lone surrogate.
    await editor.send_to(
        text_data=f'{{"type":"op","op_id":"{ID}","ops":[{{"op":"card.update","id":"{card}",'
        '"text":"Hello \\ud83d"}]}'
    )
    refused = await receive_type(editor, {"ack", "error"})
    assert (refused["type"], refused["code"], refused["op_id"]) == ("error", "invalid", ID)
    await editor.send_to(text_data='{"type":"ping","\\ud83d":1}')
    assert (await receive_type(editor, "error"))["code"] == "invalid"
    assert (await ping(editor))["type"] == "pong"
    assert await stored(board.pk) == before


MALFORMED = {
    "type an object": ('{"type": {}}', "unknown_type"),
    "type a list": ('{"type": []}', "unknown_type"),
    "type a number": ('{"type": 1}', "unknown_type"),
    "op an object": (_op({"op": {}, "id": ID}), "unknown_op"),
    "op a list": (_op({"op": ["card.create"]}), "unknown_op"),
    "a 400-digit x": (
        _op({"op": "card.update", "id": ID, "x": 0}).replace(": 0}", ": " + "9" * 400 + "}"),
        "invalid",
    ),
    "a 400-digit KPI figure": (
        _op({"op": "phase.update", "id": ID, "kpis": [{**KPI, "value": 10**400}]}),
        "invalid",
    ),
    "a 400-digit rev": ('{"type":"sync","rev":%s,"epoch":1}' % ("9" * 400), "out_of_range"),
    "a 400-digit owner": (
        _op({"op": "card.update", "id": ID, "owner": 10**400}),
        "out_of_range",
    ),
    "a 5000-digit number": ('{"type":"sync","rev":%s}' % ("9" * 5000), "bad_json"),
    "nesting 30,000 deep": ('{"type":"ping","x":' + "[" * 30_000 + "]" * 30_000 + "}", "bad_json"),
    "nesting 900 deep": ('{"type":' + "[" * 900 + "]" * 900 + "}", "unknown_type"),
    "a nested cursor": ('{"type":"presence","cursor":' + "[" * 500 + "]" * 500 + "}", "invalid"),
    "an upper-case id": (_op({"op": "card.delete", "id": ID.upper()}), "invalid"),
    "an id without hyphens": (_op({"op": "card.delete", "id": ID.replace("-", "")}), "invalid"),
    "an id in braces": (_op({"op": "card.delete", "id": "{" + ID + "}"}), "invalid"),
    "an upper-case op_id": (
        json.dumps({"type": "op", "op_id": ID.upper(), "ops": [{"op": "card.delete", "id": ID}]}),
        "invalid",
    ),
    "sync without rev": ('{"type":"sync","epoch":1}', "invalid"),
    "sync with nothing": ('{"type":"sync"}', "invalid"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
async def test_a_malformed_frame_gets_an_error_and_the_socket_stays_open(
    name, sockets, board, members
):
    text, code = MALFORMED[name]
    editor, _, _ = await sockets.join(members["editor"], board)
    before = await stored(board.pk)

    await editor.send_to(text_data=text)

    error = await receive_type(editor, "error")
    assert error["code"] == code, error
    assert (await ping(editor))["type"] == "pong"
    assert await stored(board.pk) == before


@pytest.mark.parametrize(
    "path",
    [
        "/ws/boards/not-a-uuid/",
        "/ws/boards/{upper}/",
        "/ws/boards/{bare}/",
        "/ws/boards/",
        "/ws/elsewhere/",
    ],
)
async def test_a_socket_on_no_board_is_closed_with_4404(path, sockets, board, members):
    path = path.format(upper=str(board.pk).upper(), bare=board.pk.hex)
    socket, connected = await sockets.open(members["editor"], board, path=path)
    assert connected
    assert await receive_close(socket) == 4404


async def test_a_flood_of_pings_is_not_served_in_full(sockets, board, members, settings):
    """400 pings sent at once: the bucket is charged as they arrive, not as they are
    served, so the socket closes with 4408 after about `burst` of them."""
    settings.WEBSOCKET_BURST = 20
    settings.WEBSOCKET_RATE = 0.001
    editor, _, _ = await sockets.join(members["editor"], board)
    for _ in range(400):
        await editor.send_to(text_data='{"type":"ping"}')

    pongs = 0
    while True:
        message = await editor.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            break
        pongs += json.loads(message["text"])["type"] == "pong"
    assert message["code"] == 4408
    assert 0 < pongs < 20


async def test_frames_that_came_within_the_limits_are_served_before_a_flood_closes(
    sockets, board, members, settings
):
    settings.WEBSOCKET_BURST = 3
    settings.WEBSOCKET_RATE = 0.001
    editor, _, _ = await sockets.join(members["editor"], board)  # 1
    created = new_id()
    await editor.send_json_to(
        {
            "type": "op",
            "op_id": new_id(),
            "ops": [{"op": "card.create", "id": created, "kind": "note"}],
        }
    )  # 2
    await editor.send_json_to({"type": "ping"})  # 3
    for _ in range(50):
        await editor.send_json_to({"type": "ping"})
    served = []
    while (message := await editor.receive_output(timeout=5))["type"] != "websocket.close":
        served.append(json.loads(message["text"])["type"])
    assert message["code"] == 4408
    assert "pong" in served
    # The op came within the limits: it is committed (its ack may be lost with the
    # socket; the client's re-sent op_id is answered with it after reconnecting).
    _, _, snapshot = await sockets.join(members["editor"], board)
    assert created in [card["id"] for card in snapshot["state"]["cards"]]


async def test_a_person_opens_at_most_the_cap_of_sockets(sockets, board, members, settings):
    settings.WEBSOCKET_MAX_SOCKETS_PER_USER = 2
    first, _, _ = await sockets.join(members["editor"], board)
    await sockets.join(members["editor"], board)
    third, connected = await sockets.open(members["editor"], board)
    assert connected
    assert await receive_close(third) == 4429
    # Someone else is not counted with them.
    await sockets.join(members["owner"], board)
    # One closed, one more opens.
    await first.disconnect()
    await sockets.join(members["editor"], board)


async def test_a_share_link_opens_at_most_the_cap_of_sockets(sockets, board, members, settings):
    settings.WEBSOCKET_MAX_SOCKETS_PER_LINK = 2
    link = await _link(board, members["facilitator"])
    path = f"/ws/share/{link.token}/"
    for _ in range(2):
        guest, _ = await sockets.open(None, board, path=path)
        assert (await receive_type(guest, "welcome"))["type"] == "welcome"
    third, _ = await sockets.open(None, board, path=path)
    assert await receive_close(third) == 4429
    # The link's members are not counted with its guests.
    await sockets.join(members["editor"], board)


async def _link(board, actor):
    from asgiref.sync import sync_to_async

    return await sync_to_async(share_link_create)(board=board, actor=actor, label="", days=None)


async def test_an_unchanged_board_is_read_once_for_every_socket_that_syncs(
    sockets, board, members, monkeypatch
):
    """Forty guests opening a board cost one read of it per revision, not forty."""
    reads = []
    original = socket_reads.board_state

    def board_state(board):
        reads.append(board.rev)
        return original(board)

    monkeypatch.setattr(socket_reads, "board_state", board_state)
    first, _, snapshot = await sockets.join(members["editor"], board)
    card = snapshot["state"]["cards"][0]["id"]
    replies = [(await sockets.join(members[role], board))[2] for role in ("owner", "viewer")]
    assert replies == [snapshot, snapshot]
    assert reads == [0]

    assert (await send_ops(first, [{"op": "card.update", "id": card, "x": 5}]))["type"] == "ack"
    _, _, fresh = await sockets.join(members["viewer"], board)
    assert fresh["rev"] == 1
    assert next(c for c in fresh["state"]["cards"] if c["id"] == card)["x"] == 5
    await sockets.join(members["owner"], board)
    assert reads == [0, 1]
