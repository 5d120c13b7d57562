"""Dot voting over the socket (docs/protocol.md, "Facilitation"): who may open, cast,
reveal, close and promote, and what each person's `workshop` frame shows of a vote."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from boards.models import Card
from boards.workshop.vote_models import Dot, Vote
from tests.ws import receive_frame, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@sync_to_async
def card_ids(board) -> dict[str, str]:
    return {card.text: str(card.pk) for card in Card.objects.filter(board=board)}


@sync_to_async
def stored(board) -> tuple:
    return (
        list(Vote.objects.filter(board=board).values_list("status", flat=True)),
        sorted(Dot.objects.filter(vote__board=board).values_list("user_id", "card_id", "count")),
        Card.objects.filter(board=board).count(),
    )


async def facilitate(communicator, action: str, ref: str = "r1", **args) -> dict:
    """Send a facilitate frame; return its answer, skipping the `workshop` frames of
    earlier changes (what they said is read with `vote_of`)."""
    await communicator.send_json_to({"type": "facilitate", "ref": ref, "action": action, **args})
    while True:
        frame = await receive_type(communicator, {"facilitated", "error", "workshop"})
        if frame["type"] != "workshop":
            return frame


async def vote_of(communicator, until=None) -> dict | None:
    """The vote as the last `workshop` frame to come shows it (frames of changes close
    together may be one), or as the first that shows what `until` asks for."""
    frame = await receive_type(communicator, "workshop")
    while until is not None and not until(frame["vote"]):
        frame = await receive_type(communicator, "workshop")
    while not await communicator.receive_nothing(timeout=0.3):
        later = await receive_frame(communicator)
        if later["type"] == "workshop":
            frame = later
    return frame["vote"]


@pytest.fixture
async def room(sockets, board, members):
    """The facilitator, an editor and a viewer on the board, each past their welcome."""
    lead, welcome, _ = await sockets.join(members["facilitator"], board)
    assert welcome["workshop"]["vote"] is None
    editor, _, _ = await sockets.join(members["editor"], board)
    viewer, _, _ = await sockets.join(members["viewer"], board)
    return lead, editor, viewer


async def test_a_vote_opens_for_everyone_each_seeing_their_own_part(room, board):
    lead, editor, viewer = room
    answer = await facilitate(lead, "vote.open", ref="v", scope="all", votes=2, title="Start?")
    assert answer == {"type": "facilitated", "ref": "v", "action": "vote.open"}
    cards = await card_ids(board)
    mine = await vote_of(editor)
    assert mine["status"] == "open"
    assert set(mine["cards"]) == set(cards.values())
    assert (mine["title"], mine["per_person"], mine["mine"], mine["left"]) == ("Start?", 2, {}, 2)
    watching = await vote_of(viewer)
    assert "mine" not in watching
    assert "left" not in watching
    assert (await vote_of(lead))["voters"] == 0


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("vote.open", {"scope": "all", "votes": 3}),
        ("vote.reveal", {}),
        ("vote.close", {}),
        ("vote.promote", {"top": 3}),
    ],
)
async def test_only_a_facilitator_runs_the_vote(sockets, board, members, role, name, args):
    communicator, _, _ = await sockets.join(members[role], board)
    before = await stored(board)
    error = await facilitate(communicator, name, ref="x", **args)
    assert (error["type"], error["code"], error["ref"]) == ("error", "forbidden", "x")
    assert await stored(board) == before


async def test_dots_hidden_until_the_reveal_then_counts_and_ranking(room, board, members):
    lead, editor, viewer = room
    cards = await card_ids(board)
    ad, mail = cards["Instagram ad"], cards["Welcome e-mail"]
    await facilitate(lead, "vote.open", scope="all", votes=2, anonymous=False)
    for communicator in room:
        await vote_of(communicator)

    # A viewer looks, and may not vote.
    before = await stored(board)
    error = await facilitate(viewer, "vote.cast", card=ad)
    assert error["code"] == "forbidden"
    assert await stored(board) == before

    assert (await facilitate(editor, "vote.cast", card=mail))["type"] == "facilitated"
    assert (await vote_of(editor))["mine"] == {mail: 1}
    lead_view = await vote_of(lead)
    assert lead_view["voters"] == 1
    assert "results" not in lead_view
    assert lead_view["mine"] == {}
    watching = await vote_of(viewer)
    assert "results" not in watching
    assert "voters" not in watching

    assert (await facilitate(lead, "vote.cast", card=ad))["type"] == "facilitated"
    await facilitate(editor, "vote.cast", card=mail)
    assert await vote_of(editor, until=lambda vote: vote["mine"] == {mail: 2})
    assert await vote_of(lead, until=lambda vote: vote["voters"] == 2)

    # Beyond the allowance: refused, nothing changed.
    before = await stored(board)
    error = await facilitate(editor, "vote.cast", ref="3rd", card=ad)
    assert (error["code"], error["ref"]) == ("conflict", "3rd")
    assert "all your votes" in error["message"]
    assert await stored(board) == before

    assert (await facilitate(lead, "vote.reveal"))["type"] == "facilitated"
    for communicator in room:
        shown = await vote_of(communicator, until=lambda vote: vote["status"] == "revealed")
        assert shown["results"] == [
            {"card": mail, "count": 2, "rank": 1, "by": ["Editor Person"]},
            {"card": ad, "count": 1, "rank": 2, "by": ["Facilitator Person"]},
        ]
    # No dots after the reveal.
    error = await facilitate(editor, "vote.uncast", card=mail)
    assert error["code"] == "conflict"


async def test_the_top_cards_become_opportunities_everyone_sees(room, board, members):
    lead, editor, _viewer = room
    cards = await card_ids(board)
    await facilitate(lead, "vote.open", scope="selection", cards=[cards["Instagram ad"]], votes=1)
    await vote_of(editor)
    await facilitate(editor, "vote.cast", card=cards["Instagram ad"])
    await facilitate(lead, "vote.close")
    assert (await facilitate(lead, "vote.promote", top=3))["type"] == "facilitated"
    patch = await receive_type(editor, "patch")
    [op] = patch["ops"]
    assert (op["op"], op["kind"], op["text"], op["priority"]) == (
        "card.create",
        "opportunity",
        "Instagram ad",
        "high",
    )
    assert (await stored(board))[0] == ["closed"]


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"scope": "all", "votes": 0}, "out_of_range"),
        ({"scope": "everything", "votes": 3}, "invalid"),
        ({"scope": "all", "votes": 3, "anonymous": "yes"}, "invalid"),
        ({"scope": "selection", "votes": 3, "cards": ["not-an-id"]}, "invalid"),
        ({"scope": "all"}, "invalid"),
    ],
)
async def test_it_refuses_a_bad_vote_and_opens_nothing(sockets, board, members, args, code):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    error = await facilitate(lead, "vote.open", **args)
    assert error["code"] == code
    assert await stored(board) == ([], [], 2)
