"""tests/factories.py's defaults, which other tests lean on without saying so."""

from __future__ import annotations

import uuid

from boards.models import CardKind
from tests.factories import make_arrow, make_board, make_card, make_link, make_phase


def test_it_makes_a_board_with_the_frameworks_phases_and_nothing_on_it(org, members):
    board = make_board(org, members["editor"])

    assert [p.name for p in board.phases.order_by("position")] == [
        "Awareness",
        "Consideration",
        "Purchase",
        "Loyalty",
    ]
    assert board.created_by == members["editor"]
    assert not board.cards.exists()


def test_it_gives_content_client_made_ids_unless_told_one(board):
    chosen = uuid.uuid4()

    first, second = make_card(board), make_card(board, id=chosen, kind=CardKind.TOUCHPOINT)
    arrow, link = make_arrow(board, first, second), make_link(board, first, second)

    assert second.pk == chosen
    assert len({first.pk, second.pk, arrow.pk, link.pk}) == 4
    assert (first.kind, first.phase, first.text) == (CardKind.NOTE, None, "")


def test_it_adds_a_phase_after_the_last(board):
    phase = make_phase(board)

    assert (phase.position, phase.name) == (4, "Phase 5")
    assert board.phases.order_by("position").last() == phase
