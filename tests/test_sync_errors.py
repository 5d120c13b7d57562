"""Every error code of docs/protocol.md ("Errors"): the client gets `error` with the
code (and the op_id when an op frame was refused), the socket stays open, and nothing
reaches the database."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from boards.models import Arrow, Card
from tests.factories import make_arrow, make_board, make_card
from tests.ws import new_id, ping, receive_type, send_ops, stored

pytestmark = pytest.mark.django_db(transaction=True)

OP_ID = "5f0c2a4e-8b1d-4c7e-9a3f-1d2e3f4a5b6c"


def _card(board, *, deleted: bool = False, text: str = "") -> Card:
    return make_card(board, text=text, deleted=deleted)


@pytest.fixture
def ids(board, members, outsider) -> SimpleNamespace:
    """The board's ids, a deleted card and arrow on it, and another board of the same
    organisation (which the editor may edit, but not through this board's socket)."""
    phases = [str(p.id) for p in board.phases.order_by("position")]
    first = Card.objects.get(board=board, text="Instagram ad")
    second = Card.objects.get(board=board, text="Welcome e-mail")
    gone = _card(board, deleted=True, text="Binned")
    gone_arrow = make_arrow(board, first, gone, deleted=True)
    other = make_board(board.organisation, members["owner"], title="Other board")
    other_first, other_second = _card(other, text="Theirs"), _card(other)
    other_arrow = make_arrow(other, other_first, other_second)
    return SimpleNamespace(
        phases=phases,
        first=str(first.id),
        second=str(second.id),
        arrow=str(Arrow.objects.get(board=board, deleted=False).id),
        gone=str(gone.id),
        gone_arrow=str(gone_arrow.id),
        other_board=other,
        other_card=str(other_first.id),
        other_arrow=str(other_arrow.id),
        other_phase=str(other.phases.first().id),
        outsider=outsider.pk,
    )


async def _reply_past_patches(communicator) -> dict:
    """The next ack or error, skipping the patches of other people's edits."""
    while True:
        frame = await receive_type(communicator, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame


def batch(*ops: dict) -> dict:
    return {"type": "op", "op_id": OP_ID, "ops": list(ops)}


def raw_op(field: str, literal: str) -> object:
    """An op frame whose card.update sets `field` to a JSON literal Python's json module
    would not write (NaN, Infinity)."""
    return lambda c: (
        f'{{"type": "op", "op_id": "{OP_ID}", "ops": [{{"op": "card.update", '
        f'"id": "{c.first}", "{field}": {literal}}}]}}'
    )


def upd(c, **fields) -> dict:
    return batch({"op": "card.update", "id": c.first, **fields})


RENAME = {"op": "board.update", "title": "Renamed"}

# (case id, frame (dict, or raw text) made from the ids, error code, op_id in the error)
CASES = [
    # bad_json
    ("not-json", lambda c: "{not json", "bad_json", None),
    ("a-json-array", lambda c: '[{"type": "ping"}]', "bad_json", None),
    ("a-json-string", lambda c: '"ping"', "bad_json", None),
    ("json-null", lambda c: "null", "bad_json", None),
    # unknown_type
    ("type-missing", lambda c: {"rev": None, "epoch": None}, "unknown_type", None),
    ("type-unknown", lambda c: {"type": "subscribe"}, "unknown_type", None),
    ("type-not-text", lambda c: {"type": 1}, "unknown_type", None),
    ("type-of-a-server-frame", lambda c: {"type": "patch"}, "unknown_type", None),
    # invalid
    ("op-id-missing", lambda c: {"type": "op", "ops": [RENAME]}, "invalid", None),
    ("op-id-not-a-uuid", lambda c: {"type": "op", "op_id": "42", "ops": [RENAME]}, "invalid", "42"),
    ("ops-missing", lambda c: {"type": "op", "op_id": OP_ID}, "invalid", OP_ID),
    ("ops-not-a-list", lambda c: {"type": "op", "op_id": OP_ID, "ops": RENAME}, "invalid", OP_ID),
    ("op-not-an-object", lambda c: batch("board.update"), "invalid", OP_ID),
    ("field-missing", lambda c: batch({"op": "card.create", "id": new_id()}), "invalid", OP_ID),
    ("id-missing", lambda c: batch({"op": "card.update", "text": "x"}), "invalid", OP_ID),
    ("id-not-a-uuid", lambda c: batch({"op": "card.delete", "id": "card-1"}), "invalid", OP_ID),
    ("number-as-text", lambda c: upd(c, x="10"), "invalid", OP_ID),
    ("text-as-number", lambda c: upd(c, text=5), "invalid", OP_ID),
    ("bool-as-number", lambda c: upd(c, x=True), "invalid", OP_ID),
    ("bool-as-size", lambda c: upd(c, w=False), "invalid", OP_ID),
    (
        "bool-as-weight",
        lambda c: batch({"op": "arrow.update", "id": c.arrow, "weight": True}),
        "invalid",
        OP_ID,
    ),
    ("nan", raw_op("x", "NaN"), "invalid", OP_ID),
    ("infinity", raw_op("y", "-Infinity"), "invalid", OP_ID),
    ("null-for-a-number", lambda c: upd(c, x=None), "invalid", OP_ID),
    (
        "fraction-as-position",
        lambda c: batch({"op": "phase.move", "id": c.phases[0], "position": 1.5}),
        "invalid",
        OP_ID,
    ),
    ("unknown-field-in-an-op", lambda c: upd(c, text="x", deleted=False), "invalid", OP_ID),
    ("unknown-field-in-a-ping", lambda c: {"type": "ping", "rev": 3}, "invalid", None),
    (
        "unknown-field-in-an-op-frame",
        lambda c: {**batch(RENAME), "board": c.other_board.pk.hex},
        "invalid",
        OP_ID,
    ),
    ("kind-unknown", lambda c: upd(c, kind="idea"), "invalid", OP_ID),
    ("channel-unknown", lambda c: upd(c, channel="tv"), "invalid", OP_ID),
    ("colour-not-hex", lambda c: upd(c, colour="red"), "invalid", OP_ID),
    ("priority-unknown", lambda c: upd(c, priority="urgent"), "invalid", OP_ID),
    ("owner-as-text", lambda c: upd(c, owner="olivia"), "invalid", OP_ID),
    ("owner-not-a-member", lambda c: upd(c, owner=c.outsider), "invalid", OP_ID),
    ("owner-unknown", lambda c: upd(c, owner=987654), "invalid", OP_ID),
    (
        "owner-not-a-member-on-create",
        lambda c: batch({"op": "card.create", "id": new_id(), "kind": "note", "owner": c.outsider}),
        "invalid",
        OP_ID,
    ),
    (
        "kpi-value-as-text",
        lambda c: batch(
            {"op": "phase.update", "id": c.phases[0], "kpis": [{"name": "NPS", "value": "41"}]}
        ),
        "invalid",
        OP_ID,
    ),
    (
        "kpi-target-as-text",
        lambda c: batch(
            {"op": "phase.update", "id": c.phases[0], "kpis": [{"name": "NPS", "target": "50%"}]}
        ),
        "invalid",
        OP_ID,
    ),
    (
        "kpi-without-a-name",
        lambda c: batch({"op": "phase.update", "id": c.phases[0], "kpis": [{"value": 3}]}),
        "invalid",
        OP_ID,
    ),
    ("update-changing-nothing", lambda c: upd(c), "invalid", OP_ID),
    (
        "arrow-to-itself",
        lambda c: batch({"op": "arrow.create", "id": new_id(), "from": c.first, "to": c.first}),
        "invalid",
        OP_ID,
    ),
    (
        "phase-name-blank",
        lambda c: batch({"op": "phase.update", "id": c.phases[0], "name": "   "}),
        "invalid",
        OP_ID,
    ),
    (
        "phase-delete-move-without-to",
        lambda c: batch({"op": "phase.delete", "id": c.phases[0], "cards": "move"}),
        "invalid",
        OP_ID,
    ),
    (
        "phase-delete-move-to-itself",
        lambda c: batch(
            {"op": "phase.delete", "id": c.phases[0], "cards": "move", "to": c.phases[0]}
        ),
        "invalid",
        OP_ID,
    ),
    ("sync-rev-as-text", lambda c: {"type": "sync", "rev": "3", "epoch": 1}, "invalid", None),
    (
        "presence-cursor-as-text",
        lambda c: {"type": "presence", "cursor": {"x": "1", "y": 2}},
        "invalid",
        None,
    ),
    # unknown_op
    ("op-unknown", lambda c: batch({"op": "card.explode", "id": c.first}), "unknown_op", OP_ID),
    ("op-missing", lambda c: batch({"id": c.first, "text": "x"}), "unknown_op", OP_ID),
    # too_long
    ("text-2001-characters", lambda c: upd(c, text="x" * 2001), "too_long", OP_ID),
    ("card-kpi-61-characters", lambda c: upd(c, kpi="x" * 61), "too_long", OP_ID),
    (
        "label-121-characters",
        lambda c: batch({"op": "arrow.update", "id": c.arrow, "label": "x" * 121}),
        "too_long",
        OP_ID,
    ),
    (
        "title-121-characters",
        lambda c: batch({"op": "board.update", "title": "x" * 121}),
        "too_long",
        OP_ID,
    ),
    # out_of_range
    ("w-5", lambda c: upd(c, w=5), "out_of_range", OP_ID),
    ("x-2e6", lambda c: upd(c, x=2e6), "out_of_range", OP_ID),
    (
        "weight-negative",
        lambda c: batch({"op": "arrow.update", "id": c.arrow, "weight": -1}),
        "out_of_range",
        OP_ID,
    ),
    (
        "position-8",
        lambda c: batch({"op": "phase.move", "id": c.phases[0], "position": 8}),
        "out_of_range",
        OP_ID,
    ),
    # too_many_ops
    ("no-ops", lambda c: batch(), "too_many_ops", OP_ID),
    ("501-ops", lambda c: batch(*[RENAME] * 501), "too_many_ops", OP_ID),
    # not_found
    ("card-unknown", lambda c: batch({"op": "card.delete", "id": new_id()}), "not_found", OP_ID),
    (
        "card-of-another-board",
        lambda c: batch({"op": "card.update", "id": c.other_card, "text": "Hijacked"}),
        "not_found",
        OP_ID,
    ),
    (
        "delete-card-of-another-board",
        lambda c: batch({"op": "card.delete", "id": c.other_card}),
        "not_found",
        OP_ID,
    ),
    (
        "arrow-of-another-board",
        lambda c: batch({"op": "arrow.delete", "id": c.other_arrow}),
        "not_found",
        OP_ID,
    ),
    (
        "arrow-to-a-card-of-another-board",
        lambda c: batch(
            {"op": "arrow.create", "id": new_id(), "from": c.first, "to": c.other_card}
        ),
        "not_found",
        OP_ID,
    ),
    (
        "card-into-a-phase-of-another-board",
        lambda c: upd(c, phase=c.other_phase),
        "not_found",
        OP_ID,
    ),
    (
        "phase-unknown",
        lambda c: batch({"op": "phase.update", "id": new_id(), "name": "Nope"}),
        "not_found",
        OP_ID,
    ),
    (
        "phase-of-another-board",
        lambda c: batch({"op": "phase.update", "id": c.other_phase, "name": "Hijacked"}),
        "not_found",
        OP_ID,
    ),
    # exists
    (
        "card-id-taken",
        lambda c: batch({"op": "card.create", "id": c.second, "kind": "note"}),
        "exists",
        OP_ID,
    ),
    (
        "card-id-taken-on-another-board",
        lambda c: batch({"op": "card.create", "id": c.other_card, "kind": "note"}),
        "exists",
        OP_ID,
    ),
    (
        "arrow-id-taken",
        lambda c: batch({"op": "arrow.create", "id": c.arrow, "from": c.second, "to": c.first}),
        "exists",
        OP_ID,
    ),
    (
        "phase-id-taken",
        lambda c: batch({"op": "phase.create", "id": c.phases[1], "name": "Again", "position": 0}),
        "exists",
        OP_ID,
    ),
    # deleted
    (
        "update-of-a-deleted-card",
        lambda c: batch({"op": "card.update", "id": c.gone, "text": "Back?"}),
        "deleted",
        OP_ID,
    ),
    (
        "arrow-to-a-deleted-card",
        lambda c: batch({"op": "arrow.create", "id": new_id(), "from": c.first, "to": c.gone}),
        "deleted",
        OP_ID,
    ),
    (
        "arrow-reattached-to-a-deleted-card",
        lambda c: batch({"op": "arrow.update", "id": c.arrow, "to": c.gone}),
        "deleted",
        OP_ID,
    ),
    (
        "update-of-a-deleted-arrow",
        lambda c: batch({"op": "arrow.update", "id": c.gone_arrow, "label": "x"}),
        "deleted",
        OP_ID,
    ),
    (
        "restore-of-an-arrow-to-a-deleted-card",
        lambda c: batch({"op": "arrow.restore", "id": c.gone_arrow}),
        "deleted",
        OP_ID,
    ),
    # invalid_link
    (
        "link-from-a-touchpoint",
        lambda c: batch({"op": "link.create", "id": new_id(), "from": c.first, "to": c.second}),
        "invalid_link",
        OP_ID,
    ),
    # phase_limit
    (
        "below-2-phases",
        lambda c: batch(
            *[
                {"op": "phase.delete", "id": phase, "cards": "move", "to": c.phases[3]}
                for phase in c.phases[:3]
            ]
        ),
        "phase_limit",
        OP_ID,
    ),
    (
        "above-8-phases",
        lambda c: batch(
            *[
                {"op": "phase.create", "id": new_id(), "name": f"Extra {n}", "position": 0}
                for n in range(5)
            ]
        ),
        "phase_limit",
        OP_ID,
    ),
]


@pytest.mark.parametrize(
    ("make", "code", "op_id"),
    [pytest.param(make, code, op_id, id=name) for name, make, code, op_id in CASES],
)
async def test_it_refuses_a_bad_frame_and_changes_nothing(
    sockets, board, members, ids, make, code, op_id
):
    editor, _, _ = await sockets.join(members["editor"], board)
    before = await stored(board.pk)
    before_other = await stored(ids.other_board.pk)

    frame = make(ids)
    await editor.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))
    error = await receive_type(editor, "error")

    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    if op_id is None:
        assert set(error) == {"type", "code", "message"}
    else:
        assert set(error) == {"type", "code", "message", "op_id"}
        assert error["op_id"] == op_id
    assert await ping(editor) == {"type": "pong", "rev": 0, "epoch": 1}
    assert await stored(board.pk) == before
    assert await stored(ids.other_board.pk) == before_other


async def test_it_refuses_a_binary_frame(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    before = await stored(board.pk)
    await editor.send_to(bytes_data=json.dumps({"type": "ping"}).encode())
    error = await receive_type(editor, "error")
    assert error["code"] == "bad_json"
    assert await ping(editor) == {"type": "pong", "rev": 0, "epoch": 1}
    assert await stored(board.pk) == before


async def test_it_refuses_a_viewer_s_write(sockets, board, members, ids):
    viewer, welcome, _ = await sockets.join(members["viewer"], board)
    assert welcome["you"]["role"] == "viewer"
    before = await stored(board.pk)
    error = await send_ops(
        viewer, [{"op": "card.update", "id": ids.first, "text": "Mine now"}], OP_ID
    )
    assert error["code"] == "forbidden"
    assert error["op_id"] == OP_ID
    assert error["message"]
    assert await ping(viewer) == {"type": "pong", "rev": 0, "epoch": 1}
    assert await stored(board.pk) == before


async def test_it_refuses_an_edit_of_a_card_someone_else_just_deleted(sockets, board, members, ids):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    assert ids.first in {card["id"] for card in snapshot["state"]["cards"]}
    owner, _, _ = await sockets.join(members["owner"], board)
    assert (await send_ops(owner, [{"op": "card.delete", "id": ids.first}]))["rev"] == 1
    before = await stored(board.pk)

    # The editor's edits of the card it still shows cross the owner's patch.
    await editor.send_json_to(
        batch({"op": "card.update", "id": ids.first, "x": 50}),
    )
    error = await _reply_past_patches(editor)
    assert error["code"] == "deleted"
    assert error["op_id"] == OP_ID
    await editor.send_json_to(
        batch({"op": "arrow.create", "id": new_id(), "from": ids.second, "to": ids.first})
    )
    error = await _reply_past_patches(editor)
    assert error["code"] == "deleted"
    assert await ping(editor) == {"type": "pong", "rev": 1, "epoch": 1}
    assert await stored(board.pk) == before
    card = await Card.objects.aget(id=ids.first)
    assert card.deleted
    assert card.x == 0
