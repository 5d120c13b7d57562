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
    # Selected, the locked card offers nothing the lock would refuse.
    expect(participant.get_by_role("button", name="Delete card Instagram ad")).to_be_hidden()
    expect(participant.get_by_role("button", name="Edit text")).to_be_hidden()
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


def test_a_dot_vote_stays_hidden_until_the_facilitator_reveals_it(open_board, board, members, shot):
    facilitator = open_board(members["facilitator"])
    participant = open_board(members["editor"])

    facilitator.get_by_role("button", name="Dot vote…").click()
    dialog = facilitator.get_by_role("dialog", name="Start a dot vote")
    dialog.get_by_label("Question (optional)").fill("Where do we start?")
    dialog.get_by_label("Votes per person").fill("2")
    shot(facilitator, "dialog")
    dialog.get_by_role("button", name="Start the vote").click()

    panel = participant.get_by_role("region", name="Dot vote")
    expect(panel).to_contain_text("Where do we start?")
    expect(panel).to_contain_text("2 of 2 votes left")
    participant.get_by_role("button", name="Vote for Welcome e-mail").click()
    expect(panel).to_contain_text("1 of 2 votes left")
    # Folded into the bar below, the panel leaves the phase headers clear, and the bar
    # still says where the vote stands.
    panel.get_by_role("button", name="Fold the vote into the bar below").click()
    expect(panel).to_be_hidden()
    expect(participant.get_by_role("button", name="Dot vote: 1 of 2 votes left")).to_be_focused()
    participant.get_by_role("button", name="Vote for Welcome e-mail").click()
    unfold = participant.get_by_role("button", name="Dot vote: 0 of 2 votes left")
    expect(unfold).to_be_visible()
    shot(participant, "folded")
    unfold.click()
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("0 of 2 votes left")
    # All dots placed: no more + on any card.
    expect(participant.get_by_role("button", name="Vote for Instagram ad")).to_have_count(0)
    expect(
        participant.get_by_role("button", name="Take a vote back from Welcome e-mail")
    ).to_have_count(2)

    # The facilitator sees that someone voted, not for what.
    lead_panel = facilitator.get_by_role("region", name="Dot vote")
    expect(lead_panel).to_contain_text("1 person has voted")
    facilitator.get_by_role("button", name="Vote for Instagram ad").click()
    expect(lead_panel).to_contain_text("2 people have voted")
    expect(facilitator.get_by_role("img", name="2 votes for Welcome e-mail")).to_have_count(0)
    shot(participant, "voting")
    shot(facilitator, "facilitator-voting")
    assert_accessible(participant, "a participant's page during a dot vote")

    # Folded again, the panel opens by itself for the results.
    panel.get_by_role("button", name="Fold the vote into the bar below").click()
    expect(panel).to_be_hidden()
    lead_panel.get_by_role("button", name="Reveal results").click()
    expect(panel).to_be_visible()
    expect(participant.get_by_role("img", name="2 votes for Welcome e-mail")).to_be_visible()
    expect(participant.get_by_role("img", name="1 vote for Instagram ad")).to_be_visible()
    ranking = panel.get_by_role("listitem")
    expect(ranking).to_have_count(2)
    expect(ranking.first).to_contain_text("Welcome e-mail")
    expect(ranking.nth(1)).to_contain_text("Instagram ad")
    shot(participant, "revealed")
    assert_accessible(facilitator, "the facilitator's page with a revealed dot vote")

    lead_panel.get_by_role("button", name="Make the top 2 opportunities").click()
    expect(participant.get_by_role("group", name="Opportunity: Welcome e-mail")).to_be_visible()
    lead_panel.get_by_role("button", name="Close vote").click()
    expect(panel).to_be_hidden()
