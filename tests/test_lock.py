"""The lock (docs/protocol.md, "The lock"): what a facilitator locks, nobody else changes,
over the socket and over HTTP; the facilitator is not held by it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from boards.actions import board_apply_ops
from boards.live.protocol import ProtocolError
from boards.models import Arrow, Board, Card, CardLink, OpLog, Phase
from boards.selectors import board_state
from tests.helpers import page_text
from tests.ws import new_id, receive_type, stored, watched_board

BELOW = ["editor", "viewer"]


@pytest.fixture
def phases(board) -> list[Phase]:
    return list(board.phases.order_by("position"))


@pytest.fixture
def cards(board) -> dict[str, Card]:
    return {card.text: card for card in Card.objects.filter(board=board)}


def apply(board, user, *ops) -> list[dict]:
    applied = board_apply_ops(board=board, actor=user, ops=list(ops)).ops
    board.refresh_from_db()
    return applied


def refused(board, user, *ops) -> ProtocolError:
    before = _everything(board)
    with pytest.raises(ProtocolError) as caught:
        apply(board, user, *ops)
    assert _everything(board) == before  # nothing of the batch
    return caught.value


def _everything(board) -> dict:
    board.refresh_from_db()
    return {
        "board": (board.rev, board.locked, board.title),
        "state": board_state(board),
        "log": OpLog.objects.filter(board=board).count(),
    }


def lock_card(board, members, card) -> None:
    apply(board, members["facilitator"], {"op": "card.update", "id": str(card.pk), "locked": True})


def lock_phase(board, members, phase) -> None:
    apply(
        board, members["facilitator"], {"op": "phase.update", "id": str(phase.pk), "locked": True}
    )


# Who may lock.


@pytest.mark.parametrize("role", ["facilitator", "admin", "owner"])
def test_a_facilitator_and_above_lock_and_unlock_board_phase_and_card(
    board, members, phases, cards, role
):
    user = members[role]
    card = cards["Instagram ad"]
    ops = [
        {"op": "board.update", "locked": True},
        {"op": "phase.update", "id": str(phases[1].pk), "locked": True},
        {"op": "card.update", "id": str(card.pk), "locked": True},
    ]
    assert apply(board, user, *ops) == ops
    state = board_state(board)
    assert state["board"]["locked"] is True
    assert [p["locked"] for p in state["phases"]] == [False, True, False, False]
    assert {c["text"]: c["locked"] for c in state["cards"]} == {
        "Instagram ad": True,
        "Welcome e-mail": False,
    }
    # Not held by the lock: they still edit, then unlock.
    apply(board, user, {"op": "card.update", "id": str(card.pk), "x": 50})
    apply(board, user, *[{**op, "locked": False} for op in ops])
    state = board_state(board)
    assert not state["board"]["locked"]
    assert not any(p["locked"] for p in state["phases"] + state["cards"])


@pytest.mark.parametrize(
    "op",
    [
        {"op": "board.update", "locked": True},
        {"op": "phase.update", "id": "PHASE", "locked": True},
        {"op": "card.update", "id": "CARD", "locked": True},
        {"op": "card.create", "id": "NEW", "kind": "note", "locked": True},
        {"op": "phase.create", "id": "NEW", "name": "Extra", "position": 0, "locked": True},
    ],
)
def test_an_editor_may_not_lock_anything(board, members, phases, cards, op):
    names = {"PHASE": str(phases[0].pk), "CARD": str(cards["Instagram ad"].pk), "NEW": new_id()}
    op = {k: names.get(v, v) if isinstance(v, str) else v for k, v in op.items()}
    error = refused(board, members["editor"], {"op": "board.update", "title": "Renamed"}, op)
    assert error.code == "forbidden"
    assert "facilitator" in error.message


def test_an_editor_may_not_unlock_but_may_say_what_is_already_so(board, members, cards):
    card = cards["Instagram ad"]
    lock_card(board, members, card)
    error = refused(
        board, members["editor"], {"op": "card.update", "id": str(card.pk), "locked": False}
    )
    assert error.code == "forbidden"
    other = cards["Welcome e-mail"]
    apply(board, members["editor"], {"op": "card.update", "id": str(other.pk), "locked": False})


# What the lock refuses.


def test_a_locked_board_refuses_every_op_of_an_editor(board, members, cards):
    apply(board, members["facilitator"], {"op": "board.update", "locked": True})
    card = str(cards["Welcome e-mail"].pk)
    for op in (
        {"op": "card.update", "id": card, "x": 10},
        {"op": "card.create", "id": new_id(), "kind": "note"},
        {"op": "card.delete", "id": card},
        {"op": "board.update", "title": "Renamed"},
    ):
        error = refused(board, members["editor"], op)
        assert error.code == "locked"
        assert "locked this board" in error.message


def test_a_locked_card_cannot_be_moved_edited_deleted_or_restored(board, members, cards):
    card = cards["Instagram ad"]
    lock_card(board, members, card)
    ident = str(card.pk)
    for op in (
        {"op": "card.update", "id": ident, "x": 300, "y": 40},
        {"op": "card.update", "id": ident, "text": "Changed"},
        {"op": "card.delete", "id": ident},
    ):
        error = refused(board, members["editor"], op)
        assert error.code == "locked"
        assert "locked this card" in error.message
    # Deleted by the facilitator, it is not restored by an editor either.
    apply(board, members["facilitator"], {"op": "card.delete", "id": ident})
    assert refused(board, members["editor"], {"op": "card.restore", "id": ident}).code == "locked"
    # Other cards stay free.
    other = str(cards["Welcome e-mail"].pk)
    apply(board, members["editor"], {"op": "card.update", "id": other, "x": 10})


def test_a_locked_phase_keeps_its_cards_and_takes_none(board, members, phases, cards):
    lock_phase(board, members, phases[0])  # Awareness holds the Instagram ad
    inside = str(cards["Instagram ad"].pk)
    outside = str(cards["Welcome e-mail"].pk)
    for op in (
        {"op": "card.update", "id": inside, "x": 700},  # drag within or out
        {"op": "card.update", "id": inside, "phase": str(phases[2].pk)},
        {"op": "card.delete", "id": inside},
        {"op": "card.update", "id": outside, "phase": str(phases[0].pk)},  # move in
        {"op": "card.create", "id": new_id(), "kind": "note", "phase": str(phases[0].pk)},
        {"op": "phase.update", "id": str(phases[0].pk), "name": "Seen"},
        {"op": "phase.move", "id": str(phases[0].pk), "position": 2},
        {"op": "phase.delete", "id": str(phases[0].pk), "cards": "delete"},
        {"op": "phase.delete", "id": str(phases[1].pk), "cards": "move", "to": str(phases[0].pk)},
    ):
        error = refused(board, members["editor"], op)
        assert error.code == "locked", op
        assert "Awareness" in error.message or "card" in error.message
    # The rest of the board is not locked.
    apply(board, members["editor"], {"op": "card.update", "id": outside, "x": 10})
    apply(
        board, members["editor"], {"op": "phase.update", "id": str(phases[3].pk), "name": "Loyal"}
    )


def test_a_phase_holding_a_locked_card_is_not_deleted(board, members, phases, cards):
    lock_card(board, members, cards["Welcome e-mail"])  # in Consideration
    error = refused(
        board,
        members["editor"],
        {"op": "phase.delete", "id": str(phases[1].pk), "cards": "move", "to": str(phases[2].pk)},
    )
    assert error.code == "locked"


def test_arrows_and_links_at_a_locked_card_stay_as_they_are(board, members, cards):
    touchpoint = cards["Instagram ad"]
    activity = cards["Welcome e-mail"]
    arrow = Arrow.objects.get(board=board)
    lock_card(board, members, touchpoint)
    for op in (
        {"op": "arrow.update", "id": str(arrow.pk), "label": "50%"},
        {"op": "arrow.delete", "id": str(arrow.pk)},
        {"op": "arrow.create", "id": new_id(), "from": str(activity.pk), "to": str(touchpoint.pk)},
        {"op": "link.create", "id": new_id(), "from": str(activity.pk), "to": str(touchpoint.pk)},
    ):
        assert refused(board, members["editor"], op).code == "locked", op
    assert not CardLink.objects.filter(board=board).exists()


def test_it_refuses_the_whole_batch_and_keeps_the_earlier_ops(board, members, cards):
    lock_card(board, members, cards["Instagram ad"])
    error = refused(
        board,
        members["editor"],
        {"op": "card.update", "id": str(cards["Welcome e-mail"].pk), "text": "Edited"},
        {"op": "card.update", "id": str(cards["Instagram ad"].pk), "x": 1},
    )
    assert error.code == "locked"
    assert Card.objects.get(pk=cards["Welcome e-mail"].pk).text == "Welcome e-mail"


def test_an_unlocked_card_keeps_its_arrows_own_cascade(board, members, cards):
    """Deleting an unlocked card takes its arrows, even to a locked card: they are its own."""
    lock_card(board, members, cards["Instagram ad"])
    ops = apply(
        board, members["editor"], {"op": "card.delete", "id": str(cards["Welcome e-mail"].pk)}
    )
    assert [op["op"] for op in ops] == ["arrow.delete", "card.delete"]


# Over HTTP: the card panel.


def test_the_card_panel_refuses_to_save_a_locked_card(client_for, board, members, cards):
    card = cards["Instagram ad"]
    lock_card(board, members, card)
    rev = Board.objects.get(pk=board.pk).rev
    response = client_for("editor").post(
        reverse("panel_card_save", args=[board.id, card.id]),
        {"kind": "touchpoint", "channel": "", "text": "Hacked", "colour": ""},
    )
    assert response.status_code == 409
    assert "locked this card" in page_text(response)
    card.refresh_from_db()
    assert card.text == "Instagram ad"
    assert Board.objects.get(pk=board.pk).rev == rev


def test_the_board_panel_refuses_to_rename_a_locked_board(client_for, board, members):
    apply(board, members["facilitator"], {"op": "board.update", "locked": True})
    response = client_for("editor").post(
        reverse("panel_board_rename", args=[board.id]), {"title": "Hacked"}
    )
    assert "locked this board" in page_text(response)
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle"


# Over the socket, each role.


async def send_ops(communicator, ops: list[dict]) -> dict:
    """The ack or error of an op frame (its own patch may come first)."""
    await communicator.send_json_to({"type": "op", "op_id": new_id(), "ops": ops})
    while True:
        frame = await receive_type(communicator, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame


@pytest.fixture
async def live(sockets, board, members):
    return await watched_board(sockets, board, members)


@pytest.mark.django_db(transaction=True)
async def test_the_lock_travels_to_everyone_and_holds_an_editor_over_the_socket(
    live, sockets, members
):
    facilitator, _, _ = await sockets.join(members["facilitator"], live.board)
    lock = [{"op": "phase.update", "id": live.phases[0], "locked": True}]
    assert (await send_ops(facilitator, lock))["type"] == "ack"
    patch = await receive_type(live.observer, "patch")
    assert patch["ops"] == lock
    await receive_type(live.author, "patch")
    # A page that joins now reads it in the snapshot.
    _, _, snapshot = await sockets.join(members["viewer"], live.board)
    assert snapshot["state"]["phases"][0]["locked"] is True

    before = await stored(live.board.pk)
    error = await send_ops(live.author, [{"op": "card.update", "id": live.first, "x": 90}])
    assert error["code"] == "locked"
    assert "Awareness" in error["message"]
    assert await stored(live.board.pk) == before

    # The facilitator drags the card all the same.
    reply = await send_ops(facilitator, [{"op": "card.update", "id": live.first, "x": 90}])
    assert reply["type"] == "ack"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", BELOW)
async def test_the_socket_refuses_a_lock_from_below_facilitator(live, sockets, members, role):
    communicator, _, _ = await sockets.join(members[role], live.board)
    before = await stored(live.board.pk)
    error = await send_ops(communicator, [{"op": "board.update", "locked": True}])
    assert error["code"] == "forbidden"
    assert await stored(live.board.pk) == before


@pytest.mark.django_db(transaction=True)
async def test_a_lock_sent_as_not_a_boolean_is_invalid(live, sockets, members):
    facilitator, _, _ = await sockets.join(members["facilitator"], live.board)
    error = await send_ops(facilitator, [{"op": "board.update", "locked": 1}])
    assert error["code"] == "invalid"
    assert not (await Board.objects.aget(pk=live.board.pk)).locked


def test_the_card_panel_shows_a_locked_card_read_only_to_an_editor(
    client_for, board, members, phases
):
    lock_phase(board, members, phases[0])
    card = Card.objects.get(board=board, text="Instagram ad")
    url = reverse("panel_card", args=[board.id, card.id])
    editor = page_text(client_for("editor").get(url, HTTP_HX_REQUEST="true"))
    assert "Locked by the facilitator" in editor
    assert "<form" not in editor
    facilitator = page_text(client_for("facilitator").get(url, HTTP_HX_REQUEST="true"))
    assert "only facilitators can change this card" in facilitator
    assert "<form" in facilitator
