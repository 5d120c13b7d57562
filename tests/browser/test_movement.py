"""Movement with meaning in the browser: a backward arrow said to be a reactivation in
one page leaves the other page's gap list and shows as a loop there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from boards.models import Arrow, CardKind
from tests.factories import make_arrow, make_board, make_card


@pytest.fixture
def board(org, members):
    """The usual board, and a win-back touchpoint in Purchase that customers leave to go
    back to the Instagram ad."""
    owner = members["owner"]
    board = make_board(org, owner, title="Webshop lifecycle")
    phases = list(board.phases.order_by("position"))
    ad = make_card(board, kind=CardKind.TOUCHPOINT, phase=phases[0], text="Instagram ad")
    make_card(board, kind=CardKind.ACTIVITY, phase=phases[1], x=420, text="Welcome e-mail")
    offer = make_card(board, kind=CardKind.TOUCHPOINT, phase=phases[2], text="Win-back offer")
    make_arrow(board, offer, ad, weight=12)
    return board


def test_a_move_back_said_to_be_a_reactivation_is_a_loop_not_a_gap(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    eddie.get_by_role("tablist", name="Side panel").get_by_role("tab", name="Gaps").click()
    panel = eddie.get_by_role("region", name="Gap analysis")
    loss = "Customers fall back from “Win-back offer” to Awareness, and no activity catches them."
    expect(panel).to_contain_text(loss)

    olivia.get_by_role("button", name="Arrow from Win-back offer to Instagram ad, backward").focus()
    olivia.get_by_label("Moving back means").select_option(label="Customers are reactivated")

    expect(
        eddie.get_by_role(
            "button",
            name="Arrow from Win-back offer to Instagram ad, backward, customers are reactivated",
        )
    ).to_be_visible()
    expect(panel).not_to_contain_text(loss)
    expect(panel).to_contain_text("Customers are reactivated from “Win-back offer” to Awareness")
    expect(panel).to_contain_text("Flow out: 0 move on, 0 fall back, 12 return.")
    shot(eddie, "loop")
    assert Arrow.objects.get(board=board).movement == "reactivated"
