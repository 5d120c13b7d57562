"""The action plan and KPIs over time in the browser (issue 17): plan an action from a
gap, see it on another page, move it to done, make it a current activity and see the gap
close; track a suggested KPI in one click, record readings and see the chart."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from boards.models import Card, Phase
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase

# The button says "Track this KPI"; its name goes on with the KPI (hidden text).
TRACK_TRAFFIC = re.compile(r"^Track this KPI\s*: Website traffic$")


def side_tab(page: Page, name: str):
    return page.get_by_role("tablist", name="Side panel").get_by_role("tab", name=name)


def test_plan_an_action_from_a_gap_and_see_the_gap_close_when_it_is_done(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    side_tab(eddie, "Gaps").click()
    gaps = eddie.get_by_role("region", name="Gap analysis")
    summary = gaps.get_by_role("status").first
    expect(summary).to_have_text("0 of 1 touchpoint has an activity behind it (0%).")
    gap = gaps.get_by_role("listitem").filter(has_text="“Instagram ad” has no activity behind it")
    gap.get_by_text("Plan an action").click()
    action = gap.get_by_label("Action")
    expect(action).to_have_value("An activity behind “Instagram ad”")
    action.fill("Welcome offer for ad visitors")
    gap.get_by_label("Owner").select_option(label="Facilitator Person")
    gap.get_by_label("Due date").fill("2026-06-30")
    assert_accessible(eddie, "plans: planning an action")
    shot(eddie, "planning")
    gap.get_by_role("button", name="Add to the plan").click()

    # Everyone sees the planned action on the line; a plan covers nothing yet.
    expect(card(olivia, "Welcome offer for ad visitors", "Opportunity")).to_be_visible()
    expect(summary).to_contain_text("(0%)")

    side_tab(eddie, "Strategy").click()
    strategy = eddie.get_by_role("region", name="Strategy")
    item = strategy.get_by_role("listitem").filter(has_text="Welcome offer for ad visitors")
    expect(item).to_contain_text("Owner: Facilitator Person · Due 2026-06-30")
    status = item.get_by_label("Status of “Welcome offer for ad visitors”")
    expect(status).to_have_value("planned")
    status.select_option(label="Done")
    make = strategy.get_by_role("button", name="Make it a current activity")
    expect(make).to_be_visible()
    assert_accessible(eddie, "plans: the plan with a done action")
    shot(eddie, "plan-done")
    make.click()
    # It left the plan: the Strategy tab lists opportunities, and it is done.
    expect(strategy.get_by_label("Status of “Welcome offer for ad visitors”")).to_have_count(0)

    # The done action is what the team does now: the gap closes, on every page.
    expect(card(olivia, "Welcome offer for ad visitors", "Current activity")).to_be_visible()
    side_tab(olivia, "Gaps").click()
    expect(
        olivia.get_by_role("region", name="Gap analysis").get_by_role("status").first
    ).to_have_text("1 of 1 touchpoint has an activity behind it (100%).")
    shot(olivia, "gap-closed")
    done = Card.objects.get(board=board, text="Welcome offer for ad visitors")
    assert (done.kind, done.status, done.due, done.owner) == (
        "activity",
        "done",
        "2026-06-30",
        members["facilitator"],
    )


def test_track_a_suggested_kpi_and_record_readings_to_see_the_chart(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    side_tab(eddie, "Gaps").click()
    gaps = eddie.get_by_role("region", name="Gap analysis")
    expect(gaps).to_contain_text("No KPI: which figure tells whether this phase works?")

    phase(olivia, "Awareness").get_by_role("button", name="Options for phase Awareness").click()
    olivia.get_by_role("menuitem", name="KPIs…").click()
    panel = olivia.get_by_role("region", name="KPIs of Awareness")
    panel.get_by_role("button", name=TRACK_TRAFFIC).click()
    expect(panel.get_by_role("button", name=TRACK_TRAFFIC)).to_have_count(0)
    # Everyone sees it in the phase's header at once.
    expect(phase(eddie, "Awareness").get_by_role("list", name="KPIs")).to_contain_text(
        "Website traffic"
    )

    chart = panel.get_by_role("article", name="Website traffic")
    expect(chart).to_contain_text("No readings yet.")
    reading = chart.get_by_role("form", name="Add a reading of Website traffic")
    reading.get_by_label("Date").fill("2026-01-05")
    reading.get_by_label("Value").fill("lots")
    reading.get_by_role("button", name="Add a reading").click()
    expect(panel.get_by_role("alert").first).to_contain_text("The reading was not saved")
    assert "readings" not in Phase.objects.get(board=board, name="Awareness").kpis[0]

    reading = panel.get_by_role("form", name="Add a reading of Website traffic")
    reading.get_by_label("Value").fill("12000")
    reading.get_by_role("button", name="Add a reading").click()
    readings = panel.get_by_role("table", name="Readings of Website traffic")
    expect(readings).to_contain_text("2026-01-05")
    reading = panel.get_by_role("form", name="Add a reading of Website traffic")
    reading.get_by_label("Date").fill("2026-03-02")
    reading.get_by_label("Value").fill("18500")
    reading.get_by_label("Note").fill("after the spring campaign")
    reading.get_by_role("button", name="Add a reading").click()

    sparkline = panel.get_by_role(
        "img", name="Website traffic: from 12000 on 2026-01-05 to 18500 visits on 2026-03-02"
    )
    expect(sparkline).to_be_visible()
    expect(readings).to_contain_text("after the spring campaign")
    expect(readings).to_contain_text("18,500")
    sparkline.scroll_into_view_if_needed()
    assert_accessible(olivia, "plans: KPI readings")
    shot(olivia, "kpi-readings")

    # The other page's gap panel draws the same chart next to the KPI.
    expect(
        gaps.get_by_role("img", name="Website traffic: from 12000 on 2026-01-05")
    ).to_be_visible()
    # And the phase's header on the canvas shows where the KPI is heading.
    expect(phase(eddie, "Awareness").locator(".kpi-trend")).to_be_visible()
    shot(eddie, "gaps-sparkline")
    kpi = Phase.objects.get(board=board, name="Awareness").kpis[0]
    assert kpi["value"] == 18500
    assert [r["date"] for r in kpi["readings"]] == ["2026-01-05", "2026-03-02"]
