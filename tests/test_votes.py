"""Dot voting's rules (boards/workshop/vote_rules.py): the allowance, what is refused, and
what each person sees before and after the reveal."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.utils import timezone

from boards.live.fields import ProtocolError
from boards.models import Card, CardKind
from boards.workshop import vote_rules as rules
from boards.workshop.vote_models import Dot, Vote, VoteStatus
from tests.factories import make_card


@pytest.fixture
def cards(board, members) -> dict[str, Card]:
    phases = list(board.phases.order_by("position"))
    make_card(board, kind=CardKind.TOUCHPOINT, phase=phases[2], text="Checkout page", x=30)
    make_card(board, kind=CardKind.NOTE, phase=phases[3], text="Ask about returns", x=30)
    return {card.text: card for card in Card.objects.filter(board=board)}


def ident(card: Card) -> str:
    return str(card.pk)


def viewer(members, role: str):
    """What vote_rules.view reads of a boards.access.Viewer (the fixture's members are
    named after their roles)."""
    return SimpleNamespace(user=members[role], role=role)


def open_vote(board, members, **args) -> Vote:
    args = {"scope": "all", "votes": 3, **args}
    return rules.open_vote(board, members["facilitator"], timezone.now(), args)


def snapshot(board) -> list:
    dots = Dot.objects.filter(vote__board=board)
    statuses = tuple(Vote.objects.filter(board=board).values_list("status", flat=True))
    return [*sorted((str(d.user_id), str(d.card_id), d.count) for d in dots), statuses]


def refused(board, call, *args) -> ProtocolError:
    before = snapshot(board)
    with pytest.raises(ProtocolError) as caught:
        call(board, *args)
    assert snapshot(board) == before
    return caught.value


# Opening.


def test_it_opens_a_vote_on_every_card_a_kind_a_phase_or_a_selection(board, members, cards):
    every = open_vote(board, members)
    assert set(every.cards) == {ident(c) for c in cards.values()}
    rules.close(board, timezone.now())
    touchpoints = open_vote(board, members, scope="kind", kind="touchpoint")
    assert set(touchpoints.cards) == {ident(cards["Instagram ad"]), ident(cards["Checkout page"])}
    rules.close(board, timezone.now())
    purchase = board.phases.get(name="Purchase")
    in_phase = open_vote(board, members, scope="phase", phase=str(purchase.pk))
    assert in_phase.cards == [ident(cards["Checkout page"])]
    rules.close(board, timezone.now())
    chosen = [ident(cards["Welcome e-mail"]), ident(cards["Ask about returns"])]
    selection = open_vote(board, members, scope="selection", cards=chosen)
    assert set(selection.cards) == set(chosen)
    assert (selection.per_person, selection.per_card, selection.anonymous) == (3, 3, True)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"scope": "kind"}, "invalid"),
        ({"scope": "kind", "kind": "opportunity"}, "invalid"),  # none on the board
        ({"scope": "phase"}, "invalid"),
        ({"scope": "phase", "phase": "6f1c1d0e-8b43-4a34-9d0f-3f8d7f5b9a11"}, "not_found"),
        ({"scope": "selection", "cards": []}, "invalid"),
        ({"scope": "selection", "cards": ["6f1c1d0e-8b43-4a34-9d0f-3f8d7f5b9a11"]}, "not_found"),
        ({"votes": 2, "per_card": 3}, "invalid"),
    ],
)
def test_it_refuses_a_vote_on_nothing_or_with_a_bad_allowance(board, members, cards, args, code):
    error = refused(board, lambda b: open_vote(b, members, **args))
    assert error.code == code
    assert not Vote.objects.filter(board=board).exists()


def test_it_runs_one_vote_at_a_time(board, members, cards):
    open_vote(board, members)
    error = refused(board, lambda b: open_vote(b, members))
    assert error.code == "conflict"


def test_it_refuses_a_deleted_card_in_a_selection(board, members, cards):
    gone = cards["Checkout page"]
    Card.objects.filter(pk=gone.pk).update(deleted=True)
    error = refused(board, lambda b: open_vote(b, members, scope="selection", cards=[ident(gone)]))
    assert error.code == "not_found"


# Casting within the allowance.


def test_a_person_places_and_takes_back_dots_within_the_allowance(board, members, cards):
    open_vote(board, members, votes=3, per_card=2)
    editor = members["editor"]
    ad, mail = ident(cards["Instagram ad"]), ident(cards["Welcome e-mail"])
    rules.cast(board, editor, {"card": ad})
    rules.cast(board, editor, {"card": ad})
    error = refused(board, rules.cast, editor, {"card": ad})
    assert error.code == "conflict"
    assert "at most 2" in error.message
    rules.cast(board, editor, {"card": mail})
    error = refused(board, rules.cast, editor, {"card": ident(cards["Checkout page"])})
    assert error.code == "conflict"
    assert "all your votes (3)" in error.message
    rules.uncast(board, editor, {"card": ad})
    rules.cast(board, editor, {"card": ident(cards["Checkout page"])})
    mine = rules.view(board, viewer(members, "editor"))
    assert mine["mine"] == {ad: 1, mail: 1, ident(cards["Checkout page"]): 1}
    assert mine["left"] == 0


def test_it_refuses_cards_outside_the_vote_deleted_cards_and_dots_not_there(board, members, cards):
    purchase = board.phases.get(name="Purchase")
    open_vote(board, members, scope="phase", phase=str(purchase.pk))
    editor = members["editor"]
    outside = refused(board, rules.cast, editor, {"card": ident(cards["Instagram ad"])})
    assert outside.code == "invalid"
    assert refused(board, rules.uncast, editor, {"card": ident(cards["Checkout page"])}).code == (
        "invalid"
    )
    Card.objects.filter(pk=cards["Checkout page"].pk).update(deleted=True)
    gone = refused(board, rules.cast, editor, {"card": ident(cards["Checkout page"])})
    assert gone.code == "deleted"


def test_a_dot_on_a_card_deleted_meanwhile_comes_back_to_its_owner(board, members, cards):
    open_vote(board, members, votes=1)
    editor = members["editor"]
    rules.cast(board, editor, {"card": ident(cards["Instagram ad"])})
    Card.objects.filter(pk=cards["Instagram ad"].pk).update(deleted=True)
    assert rules.view(board, viewer(members, "editor"))["left"] == 1
    rules.cast(board, editor, {"card": ident(cards["Welcome e-mail"])})


def test_no_dots_after_the_reveal_or_the_close_and_none_without_a_vote(board, members, cards):
    editor = members["editor"]
    card = {"card": ident(cards["Instagram ad"])}
    assert refused(board, rules.cast, editor, card).code == "not_found"
    open_vote(board, members)
    rules.cast(board, editor, card)
    rules.reveal(board, timezone.now())
    assert refused(board, rules.cast, editor, card).code == "conflict"
    assert refused(board, rules.uncast, editor, card).code == "conflict"
    assert refused(board, lambda b: rules.reveal(b, timezone.now())).code == "conflict"
    rules.close(board, timezone.now())
    assert refused(board, rules.cast, editor, card).code == "not_found"
    assert Vote.objects.get(board=board).status == VoteStatus.CLOSED


# Hidden until the reveal.


def test_each_person_sees_only_their_own_dots_until_the_reveal(board, members, cards):
    open_vote(board, members, votes=2, anonymous=False)
    ad, mail = ident(cards["Instagram ad"]), ident(cards["Welcome e-mail"])
    rules.cast(board, members["editor"], {"card": ad})
    rules.cast(board, members["editor"], {"card": ad})
    rules.cast(board, members["owner"], {"card": mail})

    editor = rules.view(board, viewer(members, "editor"))
    assert editor["status"] == "open"
    assert (editor["mine"], editor["left"]) == ({ad: 2}, 0)
    assert "results" not in editor
    assert "voters" not in editor
    facilitator = rules.view(board, viewer(members, "facilitator"))
    assert facilitator["voters"] == 2  # how many voted, not for what
    assert facilitator["mine"] == {}
    assert "results" not in facilitator
    onlooker = rules.view(board, viewer(members, "viewer"))
    assert not {"mine", "results", "voters"} & set(onlooker)

    rules.reveal(board, timezone.now())
    for role in ("editor", "facilitator", "viewer"):
        seen = rules.view(board, viewer(members, role))
        assert seen["status"] == "revealed"
        assert seen["voters"] == 2
        assert seen["results"] == [
            {"card": ad, "count": 2, "rank": 1, "by": ["Editor Person"]},
            {"card": mail, "count": 1, "rank": 2, "by": ["Olivia Owner"]},
        ]


def test_an_anonymous_vote_says_how_many_not_who(board, members, cards):
    open_vote(board, members, votes=1)
    ad, mail = ident(cards["Instagram ad"]), ident(cards["Welcome e-mail"])
    rules.cast(board, members["editor"], {"card": ad})
    rules.cast(board, members["owner"], {"card": mail})
    rules.reveal(board, timezone.now())
    results = rules.view(board, viewer(members, "editor"))["results"]
    # Equal counts share a rank, in the board's order.
    assert results == [
        {"card": ad, "count": 1, "rank": 1},
        {"card": mail, "count": 1, "rank": 1},
    ]


# Opportunities from the top cards.


def test_the_top_cards_become_opportunities_below_them(board, members, cards):
    open_vote(board, members, votes=3)
    checkout = cards["Checkout page"]
    for _ in range(2):
        rules.cast(board, members["editor"], {"card": ident(checkout)})
    rules.cast(board, members["owner"], {"card": ident(cards["Instagram ad"])})
    with pytest.raises(ProtocolError):
        rules.promote_ops(board, {"top": 1})  # not revealed yet
    rules.close(board, timezone.now())
    ops = rules.promote_ops(board, {"top": 1})
    assert len(ops) == 1
    assert {k: ops[0][k] for k in ("op", "kind", "phase", "text", "priority")} == {
        "op": "card.create",
        "kind": "opportunity",
        "phase": str(checkout.phase_id),
        "text": "Checkout page",
        "priority": "high",
    }
    assert ops[0]["y"] > checkout.y + checkout.h
