"""The one writer of board content (boards/content.py) as a restore, a template and an
import use it: ids, people and references."""

from __future__ import annotations

import uuid

from boards.actions import board_apply_ops, board_create
from boards.models import Card, CardKind
from boards.selectors import board_state
from boards.snapshots import snapshot_create, snapshot_restore
from journeymap.models import Membership
from tests.factories import make_board


def _ops(board, user, *ops):
    board_apply_ops(board=board, actor=user, ops=list(ops))


def _card(board, text, kind, ident=None):
    phase = board.phases.get(position=0)
    return {
        "op": "card.create",
        "id": str(ident or uuid.uuid4()),
        "kind": kind,
        "phase": str(phase.id),
        "text": text,
    }


def _lines(state):
    """A board state as people see it: cards by text, arrows and links between texts."""
    text = {card["id"]: card["text"] for card in state["cards"]}
    return (
        sorted(text.values()),
        sorted((text[a["from"]], text[a["to"]], a["label"]) for a in state["arrows"]),
        sorted((text[link["from"]], text[link["to"]]) for link in state["links"]),
    )


def test_a_restore_succeeds_after_another_organisation_took_its_ids(org, members, outsider):
    owner = members["owner"]
    board = make_board(org, owner)
    empty = snapshot_create(board=board, name="Empty", actor=owner)
    ad, mail = _card(board, "Instagram ad", "touchpoint"), _card(board, "Welcome", "activity")
    arrow = {"op": "arrow.create", "id": str(uuid.uuid4()), "from": ad["id"], "to": mail["id"]}
    arrow["label"] = "40%"
    link = {"op": "link.create", "id": str(uuid.uuid4()), "from": mail["id"], "to": ad["id"]}
    _ops(board, owner, ad, mail, arrow, link)
    full = snapshot_create(board=board, name="Full", actor=owner)
    # Restoring the empty version deletes the rows for good: their ids are free again ...
    snapshot_restore(snapshot=empty, actor=owner)
    # ... and someone in another organisation, who saw them once, takes every one.
    theirs = make_board(outsider.memberships.get().organisation, outsider)
    _ops(
        theirs,
        outsider,
        _card(theirs, "Squatter touchpoint", "touchpoint", ad["id"]),
        _card(theirs, "Squatter activity", "activity", mail["id"]),
        {**arrow, "label": "theirs"},
        link,
    )
    before = board_state(theirs)

    snapshot_restore(snapshot=full, actor=owner)

    restored = board_state(board)
    assert _lines(restored) == (
        ["Instagram ad", "Welcome"],
        [("Instagram ad", "Welcome", "40%")],
        [("Welcome", "Instagram ad")],
    )
    assert {card["id"] for card in restored["cards"]}.isdisjoint({ad["id"], mail["id"]})
    assert board_state(theirs) == before


def test_a_restore_keeps_the_ids_nobody_else_took(board, members):
    state = board_state(board)
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    Card.objects.filter(board=board).update(text="Changed")

    snapshot_restore(snapshot=snapshot, actor=members["owner"])

    restored = board_state(board)
    assert restored["cards"] == state["cards"]
    assert restored["arrows"] == state["arrows"]
    assert restored["phases"] == state["phases"]


def test_a_restore_names_no_one_who_has_left_the_organisation(board, members):
    editor = members["editor"]
    card = Card.objects.get(board=board, text="Welcome e-mail")
    Card.objects.filter(pk=card.pk).update(owner=editor, author=editor)
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    Membership.objects.filter(user=editor).delete()

    snapshot_restore(snapshot=snapshot, actor=members["owner"])

    card.refresh_from_db()
    assert (card.owner, card.author) == (None, None)
    assert Card.objects.get(board=board, text="Instagram ad").author == members["owner"]


def test_a_template_names_its_maker_and_no_owner(org, members, outsider):
    content = {
        "version": 1,
        "phases": [{"name": "Before", "colour": ""}, {"name": "After"}],
        "cards": [
            {"kind": CardKind.TOUCHPOINT, "phase": 1, "text": "Ad"},
            # A hand-edited template naming a person names nobody.
            {"kind": CardKind.ACTIVITY, "phase": 1, "text": "Mail", "owner": outsider.pk},
        ],
        "links": [{"from": 1, "to": 0}, {"from": 1, "to": 7}],
    }
    template = org.board_templates.create(
        name="Hand-made", content=content, created_by=members["owner"]
    )

    board = board_create(
        organisation=org,
        title="New",
        framework="clm4",
        created_by=members["editor"],
        template=template,
    )

    state = board_state(board)
    assert [phase["name"] for phase in state["phases"]] == ["Before", "After"]
    assert all(phase["colour"] for phase in state["phases"])
    assert {(c["text"], c["author"], c["owner"]) for c in state["cards"]} == {
        ("Ad", members["editor"].pk, None),
        ("Mail", members["editor"].pk, None),
    }
    assert _lines(state)[2] == [("Mail", "Ad")]
