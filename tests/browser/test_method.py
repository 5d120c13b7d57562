"""The lifecycle method in the browser: links between the two colours of post-it, the live
gap analysis and its marks, KPIs per phase, opportunities and the strategy list, and
the facilitator's workshop guide, each watched from a second page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from boards.models import Board, Card, CardLink, Phase
from tests.browser.axe import assert_accessible
from tests.browser.pages import add_card_by_key, card, centre, drag, phase, settled


def side_tab(page: Page, name: str):
    return page.get_by_role("tablist", name="Side panel").get_by_role("tab", name=name)


def gap_panel(page: Page):
    return page.get_by_role("region", name="Gap analysis")


def gap_mark(page: Page, text: str):
    return card(page, text).get_by_text("No activity", exact=True)


def test_a_link_drawn_in_one_page_closes_the_gap_in_the_other(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    side_tab(eddie, "Gaps").click()
    summary = gap_panel(eddie).get_by_role("status")
    expect(summary).to_have_text("0 of 1 touchpoint has an activity behind it (0%).")
    expect(gap_panel(eddie)).to_contain_text("“Instagram ad” has no activity behind it")
    expect(gap_mark(olivia, "Instagram ad")).to_be_visible()
    expect(gap_mark(eddie, "Instagram ad")).to_be_visible()
    expect(phase(olivia, "Awareness")).to_contain_text("0% covered")

    welcome = card(olivia, "Welcome e-mail", "Current activity")
    welcome.click()
    handle = welcome.get_by_role("button", name="Link to touchpoint…")
    drag(olivia, centre(handle), centre(card(olivia, "Instagram ad")))

    link = eddie.get_by_role("button", name="Link: Welcome e-mail serves Instagram ad")
    expect(link).to_have_count(1)
    expect(summary).to_have_text("1 of 1 touchpoint has an activity behind it (100%).")
    expect(gap_mark(eddie, "Instagram ad")).to_be_hidden()
    expect(gap_mark(olivia, "Instagram ad")).to_be_hidden()
    expect(phase(eddie, "Awareness")).to_contain_text("100% covered")
    assert_accessible(eddie, "method: linked")
    shot(eddie, "1-linked")
    settled(olivia)
    stored = CardLink.objects.get(board=board, deleted=False)
    assert (stored.source.text, stored.target.text) == ("Welcome e-mail", "Instagram ad")
    # A link is not an arrow: the customer movement on the board is unchanged.
    expect(olivia.get_by_role("button", name=re.compile(r"^Arrow from"))).to_have_count(1)

    # Undo takes the link away again, for everyone.
    olivia.keyboard.press("Control+z")
    expect(link).to_have_count(0)
    expect(summary).to_have_text("0 of 1 touchpoint has an activity behind it (0%).")
    expect(gap_mark(eddie, "Instagram ad")).to_be_visible()

    # The marks can be hidden (a person's own view, not the board's).
    eddie.get_by_role("button", name="Show gaps").click()
    expect(eddie.get_by_role("button", name="Show gaps")).to_have_attribute("aria-pressed", "false")
    expect(gap_mark(eddie, "Instagram ad")).to_be_hidden()
    expect(gap_mark(olivia, "Instagram ad")).to_be_visible()


def test_a_touchpoint_is_linked_from_the_activity_panel(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    card(olivia, "Welcome e-mail", "Current activity").click()
    panel = olivia.get_by_role("region", name="Card details")
    serves = panel.get_by_role("region", name="Touchpoints it serves")
    serves.get_by_label("Awareness · Instagram ad").check()
    serves.get_by_role("button", name="Save links").click()

    expect(panel.get_by_role("status")).to_contain_text("Saved.")
    expect(
        olivia.get_by_role("button", name="Link: Welcome e-mail serves Instagram ad")
    ).to_be_visible()
    expect(gap_mark(olivia, "Instagram ad")).to_be_hidden()
    assert_accessible(olivia, "method: card panel, linked")
    shot(olivia, "panel-linked")

    # The touchpoint's own panel names the activity behind it.
    card(olivia, "Instagram ad").click()
    behind = olivia.get_by_role("region", name="Activities behind it")
    expect(behind).to_contain_text("Welcome e-mail")
    assert CardLink.objects.filter(board=board, deleted=False).count() == 1


def test_kpis_opportunities_and_the_strategy_list(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    phase(olivia, "Purchase").get_by_role("button", name="Options for phase Purchase").click()
    olivia.get_by_role("menuitem", name="KPIs…").click()
    kpis = olivia.get_by_role("region", name="KPIs of Purchase")
    expect(kpis).to_contain_text("KPIs teams track at this stage")
    kpis.get_by_role("textbox", name="KPI", exact=True).fill("Cart abandonment rate")
    kpis.get_by_label("Current value").fill("seventy")
    kpis.get_by_label("Target").fill("55")
    kpis.get_by_label("Unit").fill("%")
    kpis.get_by_role("button", name="Save KPIs").click()
    expect(kpis.get_by_role("alert").first).to_contain_text("Nothing was saved")
    expect(kpis).to_contain_text("Give a number")
    assert Phase.objects.get(board=board, name="Purchase").kpis == []

    kpis.get_by_label("Current value").fill("70")
    kpis.get_by_role("button", name="Save KPIs").click()
    expect(kpis.get_by_role("status")).to_contain_text("KPIs saved")
    chip = phase(eddie, "Purchase").get_by_role("list", name="KPIs")
    expect(chip).to_contain_text("Cart abandonment rate")
    expect(chip).to_contain_text("70 % → 55 %")

    add_card_by_key(olivia, "Purchase", "o", "Cart recovery SMS")
    panel = olivia.get_by_role("region", name="Card details")
    panel.get_by_label("Priority").select_option(label="High")
    panel.get_by_label("Owner").select_option(label="Editor Person")
    panel.get_by_label("KPI it should move").select_option(label="Cart abandonment rate")
    panel.get_by_role("button", name="Save card").click()
    expect(panel.get_by_role("status")).to_contain_text("Saved.")

    side_tab(eddie, "Strategy").click()
    strategy = eddie.get_by_role("region", name="Strategy")
    expect(strategy).to_contain_text("Cart recovery SMS")
    expect(strategy).to_contain_text("High")
    expect(strategy).to_contain_text("Owner: Editor Person")
    expect(strategy).to_contain_text("Moves Cart abandonment rate")
    assert_accessible(eddie, "method: strategy")
    shot(eddie, "strategy")
    opportunity = Card.objects.get(board=board, text="Cart recovery SMS")
    assert (opportunity.priority, opportunity.owner, opportunity.kpi) == (
        "high",
        members["editor"],
        "Cart abandonment rate",
    )


def test_the_facilitator_walks_the_room_through_the_workshop(open_board, board, members, shot):
    fiona = open_board(members["facilitator"])
    eddie = open_board(members["editor"])
    expect(eddie.get_by_role("button", name="Start the workshop guide")).to_have_count(0)

    fiona.get_by_role("button", name="Start the workshop guide").click()
    guide = eddie.get_by_role("region", name="Workshop guide")
    expect(guide.get_by_role("status")).to_have_text("Step 1 of 5: Touchpoints")
    expect(guide).to_contain_text("for every moment a customer meets the brand")
    expect(guide.get_by_role("button", name="Next step")).to_have_count(0)

    for _ in range(3):
        fiona.get_by_role("button", name="Next step").click()
    expect(guide.get_by_role("status")).to_have_text("Step 4 of 5: Gaps")
    # The room's side panels follow to the gap analysis.
    expect(side_tab(eddie, "Gaps")).to_have_attribute("aria-selected", "true")
    expect(gap_panel(eddie)).to_be_visible()
    assert_accessible(eddie, "method: the guide at its gaps step")
    shot(eddie, "gaps-step")
    settled(fiona)
    assert Board.objects.get(pk=board.pk).stage == "gaps"

    fiona.get_by_role("button", name="End guide").click()
    expect(guide).to_be_hidden()
