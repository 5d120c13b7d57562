"""Suggestions, not facts, in the browser: a board made from a template starts at 0 %
covered, and a suggested activity accepted in one page appears as a current activity,
linked to its touchpoint, in another."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from boards.models import Card, CardLink
from tests.browser.pages import card, phase
from tests.factories import make_board


@pytest.fixture
def board(org, members):
    """A fresh board from the four-phase template, with its example touchpoints."""
    return make_board(
        org, members["owner"], title="Fresh from a template", framework="clm4", examples=True
    )


# The button says "Add to the board"; its name goes on with the activity (hidden text).
ADD_SOCIAL = re.compile(r"^Add to the board\s*: Organic and paid social posts$")


def gap_panel(page: Page):
    return page.get_by_role("region", name="Gap analysis")


def open_phase_panel(page: Page, name: str):
    phase(page, name).get_by_role("button", name=f"Options for phase {name}").click()
    page.get_by_role("menuitem", name="KPIs…").click()
    return page.get_by_role("region", name=f"KPIs of {name}")


def test_a_fresh_template_board_is_0_percent_covered_until_a_suggestion_is_added(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    # Only the example touchpoints are on the line: nothing the team does yet.
    expect(card(eddie, "Social media post or ad")).to_be_visible()
    expect(eddie.get_by_text("Organic and paid social posts")).to_have_count(0)
    eddie.get_by_role("tablist", name="Side panel").get_by_role("tab", name="Gaps").click()
    summary = gap_panel(eddie).get_by_role("status")
    expect(summary).to_have_text("0 of 12 touchpoints have an activity behind them (0%).")
    expect(phase(eddie, "Awareness")).to_contain_text("0% covered")
    expect(gap_panel(eddie)).to_contain_text("No KPI: which figure tells whether this phase works?")
    shot(eddie, "fresh-gaps")

    tray = open_phase_panel(olivia, "Awareness")
    expect(tray).to_contain_text("What the team could do here")
    shot(olivia, "tray")
    tray.get_by_role("button", name=ADD_SOCIAL).click()
    expect(tray.get_by_role("status")).to_contain_text("Added to the board as a current activity.")
    # Accepted: no longer offered.
    expect(tray.get_by_role("button", name=ADD_SOCIAL)).to_have_count(0)

    # The second page sees the card, its link, and the gap closing.
    expect(card(eddie, "Organic and paid social posts", "Current activity")).to_be_visible()
    expect(
        eddie.get_by_role(
            "button", name="Link: Organic and paid social posts serves Social media post or ad"
        )
    ).to_have_count(1)
    expect(summary).to_have_text("1 of 12 touchpoints have an activity behind them (8%).")
    expect(phase(eddie, "Awareness")).to_contain_text("33% covered")
    shot(eddie, "accepted")
    activity = Card.objects.get(board=board, kind="activity")
    assert (activity.text, activity.channel) == ("Organic and paid social posts", "social")
    assert CardLink.objects.get(source=activity).target.text == "Social media post or ad"
