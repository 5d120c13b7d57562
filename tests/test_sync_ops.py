"""Every op over the socket: what the author and the others receive, and what the
database holds afterwards (docs/protocol.md, "Ops")."""

from __future__ import annotations

import pytest

from boards.models import Arrow, Board, Card, OpLog
from tests.ws import (
    commit,
    new_id,
    ping,
    receive_type,
    send_ops,
    stored,
    watched_board,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def live(sockets, board, members):
    return await watched_board(sockets, board, members)


async def _rev(board: Board) -> int:
    return await Board.objects.values_list("rev", flat=True).aget(pk=board.pk)


async def _snapshot(sockets, user, board) -> dict:
    _, _, snapshot = await sockets.join(user, board)
    return snapshot["state"]


# Cards.


async def test_it_creates_a_card_with_the_defaults_filled_in(live):
    card = new_id()
    ops = await commit(live, [{"op": "card.create", "id": card, "kind": "note"}])
    assert ops == [
        {
            "op": "card.create",
            "id": card,
            "kind": "note",
            "phase": None,
            "x": 0,
            "y": 0,
            "w": 180,
            "h": 110,
            "text": "",
            "colour": "",
            "channel": "",
            "priority": "",
            "owner": None,
            "kpi": "",
            "locked": False,
            "status": "",
            "due": "",
        }
    ]
    stored_card = await Card.objects.aget(id=card)
    assert stored_card.board_id == live.board.pk
    assert stored_card.kind == "note"
    assert stored_card.phase_id is None
    assert (stored_card.x, stored_card.y, stored_card.w, stored_card.h) == (0, 0, 180, 110)
    assert stored_card.author_id == live.editor.pk
    assert not stored_card.deleted


async def test_it_creates_a_card_with_every_field(live):
    card = new_id()
    op = {
        "op": "card.create",
        "id": card,
        "kind": "opportunity",
        "phase": live.phases[2],
        "x": -1500.5,
        "y": 320,
        "w": 240,
        "h": 90,
        "text": "Abandoned-cart mail",
        "colour": "#AABBCC",
        "channel": "email",
        "priority": "high",
        "owner": live.editor.pk,
        "kpi": " Cart abandonment rate ",
        "status": "planned",
        "due": "2026-04-30",
    }
    ops = await commit(live, [op])
    assert ops == [{**op, "colour": "#aabbcc", "kpi": "Cart abandonment rate", "locked": False}]
    stored_card = await Card.objects.aget(id=card)
    assert str(stored_card.phase_id) == live.phases[2]
    assert (stored_card.x, stored_card.y, stored_card.w, stored_card.h) == (-1500.5, 320, 240, 90)
    assert stored_card.text == "Abandoned-cart mail"
    assert stored_card.colour == "#aabbcc"
    assert stored_card.channel == "email"
    assert (stored_card.priority, stored_card.owner_id, stored_card.kpi) == (
        "high",
        live.editor.pk,
        "Cart abandonment rate",
    )


async def test_it_updates_only_the_fields_named(live):
    op = {"op": "card.update", "id": live.second, "text": "Welcome series", "y": 75}
    assert await commit(live, [op]) == [op]
    card = await Card.objects.aget(id=live.second)
    assert card.text == "Welcome series"
    assert card.y == 75
    assert card.x == 420  # not named: left as it was
    assert card.kind == "activity"
    assert str(card.phase_id) == live.phases[1]


async def test_it_gives_an_opportunity_an_owner_a_priority_and_a_kpi(live, sockets, members):
    card = new_id()
    owner = members["facilitator"].pk
    await commit(
        live,
        [
            {
                "op": "card.create",
                "id": card,
                "kind": "opportunity",
                "phase": live.phases[3],
                "text": "Review request after delivery",
                "priority": "medium",
                "owner": owner,
                "kpi": "Repeat-purchase rate",
            }
        ],
    )
    state = await _snapshot(sockets, members["viewer"], live.board)
    shown = next(c for c in state["cards"] if c["id"] == card)
    assert (shown["priority"], shown["owner"], shown["kpi"]) == (
        "medium",
        owner,
        "Repeat-purchase rate",
    )

    # Handed back: no owner, no priority, no KPI.
    op = {"op": "card.update", "id": card, "owner": None, "priority": "", "kpi": ""}
    assert await commit(live, [op]) == [op]
    stored_card = await Card.objects.aget(id=card)
    assert (stored_card.priority, stored_card.owner_id, stored_card.kpi) == ("", None, "")


async def test_it_updates_every_card_field(live):
    op = {
        "op": "card.update",
        "id": live.first,
        "kind": "note",
        "phase": live.phases[3],
        "x": 10,
        "y": 20,
        "w": 40,
        "h": 2000,
        "text": "",
        "colour": "#00FF00",
        "channel": "social",
        "priority": "low",
        "owner": live.editor.pk,
        "kpi": "NPS",
    }
    assert await commit(live, [op]) == [{**op, "colour": "#00ff00"}]
    card = await Card.objects.aget(id=live.first)
    assert (card.kind, str(card.phase_id), card.x, card.y, card.w, card.h) == (
        "note",
        live.phases[3],
        10,
        20,
        40,
        2000,
    )
    assert (card.text, card.colour, card.channel) == ("", "#00ff00", "social")
    assert (card.priority, card.owner_id, card.kpi) == ("low", live.editor.pk, "NPS")
    # And back out of every phase.
    await commit(live, [{"op": "card.update", "id": live.first, "phase": None}])
    assert (await Card.objects.aget(id=live.first)).phase_id is None


async def test_it_deletes_a_card_with_its_arrows_in_the_same_revision(live, sockets, members):
    ops = await commit(live, [{"op": "card.delete", "id": live.first}])
    assert ops == [
        {"op": "arrow.delete", "id": live.arrow},
        {"op": "card.delete", "id": live.first},
    ]
    assert (await Card.objects.aget(id=live.first)).deleted
    assert (await Arrow.objects.aget(id=live.arrow)).deleted
    assert not (await Card.objects.aget(id=live.second)).deleted
    assert await OpLog.objects.filter(board=live.board).acount() == 1
    state = await _snapshot(sockets, members["owner"], live.board)
    assert [card["id"] for card in state["cards"]] == [live.second]
    assert state["arrows"] == []


async def test_it_deletes_a_deleted_card_harmlessly(live):
    await commit(live, [{"op": "card.delete", "id": live.first}])
    ops = await commit(live, [{"op": "card.delete", "id": live.first}])
    assert ops == [{"op": "card.delete", "id": live.first}]  # its arrow is gone already
    assert (await Card.objects.aget(id=live.first)).deleted


async def test_it_restores_a_card_but_not_its_arrows(live, sockets, members):
    await commit(live, [{"op": "card.delete", "id": live.first}])
    ops = await commit(live, [{"op": "card.restore", "id": live.first}])
    # The patch carries the whole card, for pages that never saw it before the delete.
    assert [(op["op"], op["id"]) for op in ops] == [("card.restore", live.first)]
    assert ops[0]["card"]["text"] == "Instagram ad"
    assert ops[0]["card"]["phase"] == live.phases[0]
    card = await Card.objects.aget(id=live.first)
    assert not card.deleted
    assert card.text == "Instagram ad"
    assert str(card.phase_id) == live.phases[0]
    assert (await Arrow.objects.aget(id=live.arrow)).deleted
    state = await _snapshot(sockets, members["owner"], live.board)
    assert {card["id"] for card in state["cards"]} == {live.first, live.second}
    assert state["arrows"] == []


# Arrows.


async def test_it_creates_an_arrow_to_a_card_made_in_the_same_batch(live):
    card, arrow = new_id(), new_id()
    ops = await commit(
        live,
        [
            {"op": "card.create", "id": card, "kind": "touchpoint", "phase": live.phases[2]},
            {
                "op": "arrow.create",
                "id": arrow,
                "from": live.second,
                "to": card,
                "label": "12%",
                "weight": 12,
            },
        ],
    )
    assert ops[1] == {
        "op": "arrow.create",
        "id": arrow,
        "from": live.second,
        "to": card,
        "label": "12%",
        "weight": 12,
        "movement": "fall_back",  # the default: a backward arrow not said otherwise is a loss
    }
    stored_arrow = await Arrow.objects.aget(id=arrow)
    assert (str(stored_arrow.from_card_id), str(stored_arrow.to_card_id)) == (live.second, card)
    assert (stored_arrow.label, stored_arrow.weight) == ("12%", 12)
    assert stored_arrow.author_id == live.editor.pk
    assert await OpLog.objects.filter(board=live.board).acount() == 1


async def test_it_creates_an_arrow_with_the_defaults_filled_in(live):
    arrow = new_id()
    ops = await commit(
        live, [{"op": "arrow.create", "id": arrow, "from": live.second, "to": live.first}]
    )
    assert ops == [
        {
            "op": "arrow.create",
            "id": arrow,
            "from": live.second,
            "to": live.first,
            "label": "",
            "weight": None,
            "movement": "fall_back",
        }
    ]
    assert (await Arrow.objects.aget(id=arrow)).weight is None


async def test_it_updates_an_arrows_label_and_weight(live):
    op = {"op": "arrow.update", "id": live.arrow, "label": "55%", "weight": 0.55}
    assert await commit(live, [op]) == [op]
    arrow = await Arrow.objects.aget(id=live.arrow)
    assert (arrow.label, arrow.weight) == ("55%", 0.55)
    assert str(arrow.from_card_id) == live.first  # ends untouched

    await commit(live, [{"op": "arrow.update", "id": live.arrow, "weight": None}])
    arrow = await Arrow.objects.aget(id=live.arrow)
    assert (arrow.label, arrow.weight) == ("55%", None)


async def test_it_reattaches_an_arrows_ends(live):
    third = new_id()
    await commit(live, [{"op": "card.create", "id": third, "kind": "note"}])
    op = {"op": "arrow.update", "id": live.arrow, "to": third}
    assert await commit(live, [op]) == [op]
    arrow = await Arrow.objects.aget(id=live.arrow)
    assert (str(arrow.from_card_id), str(arrow.to_card_id)) == (live.first, third)
    assert arrow.label == "40%"

    op = {"op": "arrow.update", "id": live.arrow, "from": live.second, "to": live.first}
    assert await commit(live, [op]) == [op]
    arrow = await Arrow.objects.aget(id=live.arrow)
    assert (str(arrow.from_card_id), str(arrow.to_card_id)) == (live.second, live.first)


async def test_it_deletes_and_restores_an_arrow(live, sockets, members):
    assert await commit(live, [{"op": "arrow.delete", "id": live.arrow}]) == [
        {"op": "arrow.delete", "id": live.arrow}
    ]
    assert (await Arrow.objects.aget(id=live.arrow)).deleted
    assert not (await Card.objects.aget(id=live.first)).deleted
    assert (await _snapshot(sockets, members["owner"], live.board))["arrows"] == []

    restored = await commit(live, [{"op": "arrow.restore", "id": live.arrow}])
    assert restored == [
        {
            "op": "arrow.restore",
            "id": live.arrow,
            "arrow": {
                "id": live.arrow,
                "from": live.first,
                "to": live.second,
                "label": "40%",
                "weight": None,
                "movement": "fall_back",
            },
        }
    ]
    assert not (await Arrow.objects.aget(id=live.arrow)).deleted
    state = await _snapshot(sockets, members["owner"], live.board)
    assert [arrow["id"] for arrow in state["arrows"]] == [live.arrow]


async def test_it_undoes_a_card_delete_with_restore_ops(live):
    await commit(live, [{"op": "card.delete", "id": live.first}])
    await commit(
        live,
        [
            {"op": "card.restore", "id": live.first},
            {"op": "arrow.restore", "id": live.arrow},
        ],
    )
    assert not (await Card.objects.aget(id=live.first)).deleted
    assert not (await Arrow.objects.aget(id=live.arrow)).deleted


# Batches.


async def test_it_applies_a_batch_in_order_as_one_revision(live):
    card, arrow = new_id(), new_id()
    ops = await commit(
        live,
        [
            {"op": "card.create", "id": card, "kind": "note", "text": "Draft"},
            {"op": "card.update", "id": card, "text": "Final", "phase": live.phases[3]},
            {"op": "arrow.create", "id": arrow, "from": live.second, "to": card},
            {"op": "board.update", "title": "Batched"},
        ],
    )
    assert [op["op"] for op in ops] == [
        "card.create",
        "card.update",
        "arrow.create",
        "board.update",
    ]
    stored_card = await Card.objects.aget(id=card)
    assert (stored_card.text, str(stored_card.phase_id)) == ("Final", live.phases[3])
    assert await Arrow.objects.filter(id=arrow, deleted=False).aexists()
    assert await OpLog.objects.filter(board=live.board).acount() == 1


async def test_a_batch_with_a_failing_op_changes_nothing(live):
    before = await stored(live.board.pk)
    card = new_id()
    op_id = new_id()
    reply = await send_ops(
        live.author,
        [
            {"op": "card.create", "id": card, "kind": "note"},
            {"op": "card.update", "id": live.first, "text": "Changed"},
            {"op": "card.update", "id": new_id(), "text": "No such card"},
            {"op": "board.update", "title": "Never"},
        ],
        op_id,
    )
    assert reply["type"] == "error"
    assert reply["code"] == "not_found"
    assert reply["op_id"] == op_id
    assert reply["message"]
    assert await stored(live.board.pk) == before
    assert not await Card.objects.filter(id=card).aexists()
    assert (await Card.objects.aget(id=live.first)).text == "Instagram ad"
    assert await ping(live.author) == {"type": "pong", "rev": 0, "epoch": 1}
    # Nobody was told of it: the next patch both pages see is the next real revision.
    assert await commit(live, [{"op": "board.update", "title": "Next"}]) == [
        {"op": "board.update", "title": "Next"}
    ]


async def test_a_failing_batch_can_be_fixed_and_resent_with_the_same_op_id(live):
    op_id = new_id()
    card = new_id()
    reply = await send_ops(live.author, [{"op": "card.create", "id": card, "kind": "nope"}], op_id)
    assert reply["code"] == "invalid"
    await commit(live, [{"op": "card.create", "id": card, "kind": "note"}], op_id=op_id)
    assert await Card.objects.filter(id=card).aexists()


async def test_an_arrow_reattached_earlier_in_the_batch_survives_its_old_card(live):
    third = new_id()
    ops = await commit(
        live,
        [
            {"op": "card.create", "id": third, "kind": "note"},
            {"op": "arrow.update", "id": live.arrow, "to": third},
            {"op": "card.delete", "id": live.second},
        ],
    )
    # The patch and the database agree: the arrow no longer touched the deleted card.
    assert [op["op"] for op in ops] == ["card.create", "arrow.update", "card.delete"]
    arrow = await Arrow.objects.aget(id=live.arrow)
    assert (arrow.deleted, str(arrow.to_card_id)) == (False, third)
    assert (await Card.objects.aget(id=live.second)).deleted


async def test_an_arrow_deleted_earlier_in_the_batch_is_deleted_once(live):
    ops = await commit(
        live,
        [
            {"op": "arrow.delete", "id": live.arrow},
            {"op": "card.delete", "id": live.first},
        ],
    )
    assert ops == [
        {"op": "arrow.delete", "id": live.arrow},
        {"op": "card.delete", "id": live.first},
    ]
    assert (await Arrow.objects.aget(id=live.arrow)).deleted


# Idempotency.


async def test_a_resent_op_id_is_acknowledged_again_and_applied_once(live, sockets, members):
    op_id, card = new_id(), new_id()
    ops = [{"op": "card.create", "id": card, "kind": "note", "text": "Once"}]
    await commit(live, ops, op_id=op_id)

    again = await send_ops(live.author, ops, op_id)
    assert again == {"type": "ack", "op_id": op_id, "rev": 1}  # not `exists`
    assert await _rev(live.board) == 1
    assert await OpLog.objects.filter(board=live.board, op_id=op_id).acount() == 1
    assert await Card.objects.filter(board=live.board).acount() == 3

    # From another page of the same person (a reload), with other ops even: the same ack.
    other, _, _ = await sockets.join(members["editor"], live.board)
    changed = [{"op": "card.update", "id": card, "text": "Twice"}]
    assert await send_ops(other, changed, op_id) == {"type": "ack", "op_id": op_id, "rev": 1}
    assert (await Card.objects.aget(id=card)).text == "Once"
    assert await _rev(live.board) == 1

    # No second patch went out: the next patch anyone sees is the next revision.
    ops = await commit(live, [{"op": "board.update", "title": "After"}])
    assert ops == [{"op": "board.update", "title": "After"}]
    patch = await receive_type(other, "patch")
    assert patch["rev"] == 2
