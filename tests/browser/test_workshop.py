"""Running the room in the browser: a facilitator locks a phase and a participant cannot
drag its cards; the facilitator runs a dot vote (hidden, then revealed)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from boards.models import Card, Phase
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, centre, drag, phase, settled


def phase_menu(page: Page, name: str):
    page.get_by_role("button", name=f"Options for phase {name}").click()
    return page.get_by_role("menu", name=f"Options for phase {name}")


def test_a_locked_phase_keeps_its_cards_where_they_are(open_board, board, members, shot):
    facilitator = open_board(members["facilitator"])
    participant = open_board(members["editor"])

    phase_menu(facilitator, "Awareness").get_by_role("menuitem", name="Lock phase").click()
    settled(facilitator)
    assert Phase.objects.get(board=board, name="Awareness").locked
    # Everyone sees the padlock in the phase's header.
    padlock = phase(participant, "Awareness").get_by_title("The facilitator has locked Awareness")
    expect(padlock).to_be_visible()

    # The participant's drag moves nothing, and the page says why.
    ad = card(participant, "Instagram ad")
    x, y = centre(ad)
    drag(participant, (x, y), (x + 520, y + 40))
    expect(participant.get_by_role("status").filter(has_text="locked this")).to_be_visible()
    assert Card.objects.get(board=board, text="Instagram ad").phase.name == "Awareness"
    expect(card(participant, "Instagram ad")).to_be_visible()
    shot(participant, "participant")

    # A single card: the facilitator locks the Welcome e-mail from the selection bar.
    card(facilitator, "Welcome e-mail", "Current activity").click()
    selbar = facilitator.get_by_role("toolbar", name="Selected cards")
    selbar.get_by_role("button", name="Lock").click()
    settled(facilitator)
    welcome = card(participant, "Welcome e-mail", "Current activity")
    expect(welcome.get_by_title("Locked by the facilitator")).to_be_visible()
    # The facilitator still moves a locked card.
    ad = card(facilitator, "Instagram ad")
    x, y = centre(ad)
    drag(facilitator, (x, y), (x, y + 120))
    settled(facilitator)
    assert Card.objects.get(board=board, text="Instagram ad").y > 60
    shot(facilitator, "facilitator")

    # The whole board.
    facilitator.get_by_role("button", name="Lock board").click()
    expect(participant.get_by_text("The facilitator has locked the board")).to_be_visible()
    assert_accessible(participant, "a board locked by the facilitator")
    shot(participant, "board-locked")
    facilitator.get_by_role("button", name="Unlock board").click()
    expect(participant.get_by_text("The facilitator has locked the board")).to_be_hidden()
