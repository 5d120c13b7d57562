"""Running the room with guests of a workshop link (issue #16's permission matrix, the
guest columns; the member roles are in tests/test_workshop_protocol.py): a guest who
edits may say "I'm done" and vote, never run the room; a guest who views does neither;
the lock holds against guests too. Refusals change nothing."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from boards.models import Board, Card
from boards.sharing import share_link_create
from boards.workshop.models import DoneMark, Timer
from boards.workshop.vote_models import Dot, Vote
from tests.test_guests import _guest_socket, joined
from tests.test_workshop_protocol import FACILITATOR_ACTIONS, facilitate, receive_type
from tests.ws import send_ops

pytestmark = pytest.mark.django_db(transaction=True)

# Every action only a facilitator may send, with arguments that would otherwise do.
FACILITATOR_ONLY = [
    *FACILITATOR_ACTIONS,  # the timer and summon
    ("vote.open", {"scope": "all", "votes": 2}),
    ("vote.reveal", {}),
    ("vote.close", {}),
    ("vote.promote", {"top": 1}),
    ("private.start", {}),
    ("private.reveal", {}),
]


async def _guest(board, members, role: str, name: str):
    link = await sync_to_async(share_link_create)(
        board=board, actor=members["facilitator"], days=None, role=role, passcode="tulip"
    )
    client = await sync_to_async(joined)(link, name, passcode="tulip")
    socket = await _guest_socket(client, link)
    welcome = await receive_type(socket, "welcome")
    assert welcome["you"]["role"] == role
    return socket


@sync_to_async
def _room(board) -> tuple:
    return (
        list(Timer.objects.filter(board=board).values()),
        list(Vote.objects.filter(board=board).values()),
        list(Dot.objects.values()),
        list(DoneMark.objects.values()),
        Board.objects.values("private_since", "locked").get(pk=board.pk),
    )


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize(("action", "args"), FACILITATOR_ONLY, ids=[a for a, _ in FACILITATOR_ONLY])
async def test_no_guest_runs_the_room(sockets, board, members, role, action, args):
    guest = await _guest(board, members, role, f"Guest {role}")
    sockets.opened.append(guest)
    before = await _room(board)

    answer = await facilitate(guest, action, ref="g", **args)

    assert (answer["type"], answer["code"], answer["ref"]) == ("error", "forbidden", "g")
    assert await _room(board) == before


async def _guest_in_a_vote(sockets, board, members, role: str, name: str):
    """A facilitator opens a vote at a step; a guest of `role` joins. -> (guest, a card)"""
    lead, _welcome, _reply = await sockets.join(members["facilitator"], board)
    await sync_to_async(Board.objects.filter(pk=board.pk).update)(stage="touchpoints")
    assert (await facilitate(lead, "vote.open", scope="all", votes=2))["type"] == "facilitated"
    guest = await _guest(board, members, role, name)
    sockets.opened.append(guest)
    return guest, await sync_to_async(Card.objects.get)(board=board, text="Instagram ad")


async def test_a_guest_who_edits_says_done_and_votes(sockets, board, members):
    guest, card = await _guest_in_a_vote(sockets, board, members, "editor", "Greta Guest")

    assert (await facilitate(guest, "done.set", done=True))["type"] == "facilitated"
    assert (await facilitate(guest, "vote.cast", card=str(card.pk)))["type"] == "facilitated"

    assert await sync_to_async(DoneMark.objects.count)() == 1
    assert await sync_to_async(Dot.objects.filter(card=card).count)() == 1
    assert (await facilitate(guest, "vote.uncast", card=str(card.pk)))["type"] == "facilitated"
    assert await sync_to_async(Dot.objects.count)() == 0


async def test_a_guest_who_views_neither_says_done_nor_votes(sockets, board, members):
    guest, card = await _guest_in_a_vote(sockets, board, members, "viewer", "Vera Viewer")
    before = await _room(board)

    for action, args in (("done.set", {"done": True}), ("vote.cast", {"card": str(card.pk)})):
        answer = await facilitate(guest, action, **args)
        assert (answer["type"], answer["code"]) == ("error", "forbidden"), action
    assert await _room(board) == before


async def test_the_lock_holds_against_a_guest_who_edits(sockets, board, members):
    lead, _welcome, _reply = await sockets.join(members["facilitator"], board)
    card = await sync_to_async(Card.objects.get)(board=board, text="Instagram ad")
    locked = await send_ops(lead, [{"op": "card.update", "id": str(card.pk), "locked": True}])
    assert locked["type"] == "ack"
    guest = await _guest(board, members, "editor", "Greta Guest")
    sockets.opened.append(guest)

    moved = await send_ops(guest, [{"op": "card.update", "id": str(card.pk), "x": 999}])
    unlocked = await send_ops(guest, [{"op": "card.update", "id": str(card.pk), "locked": False}])

    assert (moved["type"], moved["code"]) == ("error", "locked")
    assert (unlocked["type"], unlocked["code"]) == ("error", "forbidden")
    await card.arefresh_from_db()
    assert (card.x, card.locked) != (999, False)
    assert card.locked
