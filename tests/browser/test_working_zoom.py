"""The canvas at working zoom: "Fit board" keeps card text readable and leaves the rest a
pan away, the phase headers stay pinned under the toolbar while the board is panned, and
the kinds of arrow are told apart by their line pattern, not colour alone, far out too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from boards.models import Card, CardKind, Movement
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, drag, lane_spot, phase, whole_board
from tests.factories import make_arrow, make_card


@pytest.fixture
def arrows_of_each_kind(board, members):
    """Beside the fixture's forward arrow: a loss, a return, and one within a phase."""
    owner = members["owner"]
    instagram = Card.objects.get(board=board, text="Instagram ad")
    welcome = Card.objects.get(board=board, text="Welcome e-mail")
    awareness = instagram.phase
    blog = make_card(
        board, kind=CardKind.TOUCHPOINT, phase=awareness, y=260, text="Blog post", author=owner
    )
    make_arrow(board, welcome, instagram, movement=Movement.FALL_BACK, author=owner)
    make_arrow(board, welcome, blog, movement=Movement.RETURN, author=owner)
    make_arrow(board, instagram, blog, author=owner)
    return board


def zoom_percent(page: Page) -> int:
    text = page.locator("#zoom-level").inner_text()
    return int(re.sub(r"\D", "", text))


def dashes(page: Page, name: str) -> str:
    line = page.get_by_role("button", name=name).locator(".arrow-line")
    return line.evaluate("node => getComputedStyle(node).strokeDasharray")


def on_screen_px(locator) -> float:
    """The font size of `locator`'s text as it shows on screen, zoom and scale applied."""
    return locator.evaluate(
        "node => parseFloat(getComputedStyle(node).fontSize)"
        " * node.getBoundingClientRect().height / node.offsetHeight"
    )


def test_the_board_opens_readable_and_fit_board_keeps_it_so(
    arrows_of_each_kind, open_board, members, shot
):
    olivia = open_board(members["owner"])
    # The first view: the first phases at a readable size (not all four at 50 %).
    expect(olivia.locator("#zoom-level")).to_have_text(re.compile(r"^(7[5-9]|[89]\d|100)%$"))
    assert on_screen_px(card(olivia, "Instagram ad").locator(".card-text")) >= 10
    expect(phase(olivia, "Awareness").get_by_role("heading")).to_be_in_viewport()
    shot(olivia, "first-view")

    olivia.get_by_role("button", name="Fit board").click()
    assert zoom_percent(olivia) >= 75
    assert on_screen_px(card(olivia, "Instagram ad").locator(".card-text")) >= 10
    expect(phase(olivia, "Awareness").get_by_role("heading")).to_be_in_viewport()
    shot(olivia, "fitted")

    # Pan the board down: the phase headers stay pinned below the toolbar.
    x, y = lane_spot(olivia, "Awareness", 2)
    drag(olivia, (x, y), (x, y - 420))
    heading = phase(olivia, "Awareness").get_by_role("heading")
    expect(heading).to_be_in_viewport()
    toolbar = olivia.get_by_role("toolbar", name="Board tools").bounding_box()
    assert heading.bounding_box()["y"] >= toolbar["y"] + toolbar["height"]
    assert_accessible(olivia, "editor: panned with pinned headers")
    shot(olivia, "pinned")


def test_zoomed_out_the_phase_names_and_kpis_stay_legible(open_board, board, members, shot):
    reach = {"name": "Reach", "value": 42000, "target": 50000, "unit": ""}
    board.phases.filter(name="Awareness").update(kpis=[reach])
    olivia = open_board(members["owner"])
    for _ in range(4):  # 100 % → about 41 %
        olivia.get_by_role("button", name="Zoom out").click()
    expect(olivia.locator("#zoom-level")).to_have_text(re.compile(r"^[34]\d%$"))
    awareness = phase(olivia, "Awareness")
    name = awareness.get_by_role("heading")
    chip = awareness.locator(".kpi-chip").first
    expect(name).to_be_in_viewport()
    expect(chip).to_be_in_viewport()
    assert on_screen_px(name) >= 14
    assert on_screen_px(chip) >= 9.5
    # Grown, each header keeps to its own column, and the KPIs to their header's foot.
    consideration = phase(olivia, "Consideration").get_by_role("heading")
    assert (
        name.bounding_box()["x"] + name.bounding_box()["width"] <= consideration.bounding_box()["x"]
    )
    header = awareness.locator(".phase-header").bounding_box()
    assert header["y"] + header["height"] <= chip.bounding_box()["y"] + 1
    toolbar = olivia.get_by_role("toolbar", name="Board tools").bounding_box()
    assert header["y"] >= toolbar["y"] + toolbar["height"]
    assert_accessible(olivia, "editor: zoomed out, headers grown")
    shot(olivia, "zoomed-out")


def test_arrow_kinds_differ_by_pattern_at_every_zoom(
    arrows_of_each_kind, open_board, members, shot
):
    olivia = open_board(members["owner"])
    names = {
        "forward": "Arrow from Instagram ad to Welcome e-mail, forward, 40%",
        "loss": "Arrow from Welcome e-mail to Instagram ad, backward",
        "return": "Arrow from Welcome e-mail to Blog post, backward, customers return to buy again",
        "same": "Arrow from Instagram ad to Blog post, within a phase",
    }
    whole_board(olivia)
    for _ in range(3):  # far out: below 30 %
        olivia.get_by_role("button", name="Zoom out").click()
    expect(olivia.locator("#zoom-level")).to_have_text(re.compile(r"^(1\d|2\d)%$"))
    # The level of detail follows once the zoom settles; the patterns stay.
    expect(olivia.locator("#world")).to_have_class(re.compile("is-tiny"))
    patterns = {kind: dashes(olivia, name) for kind, name in names.items()}
    assert patterns["forward"] == "none"
    assert "none" not in (patterns["loss"], patterns["return"], patterns["same"])
    assert len(set(patterns.values())) == 4, patterns
    link_like = olivia.get_by_role("list", name="Legend")
    expect(link_like.get_by_role("listitem")).to_have_count(9)
    shot(olivia, "far")


def test_the_legend_steps_aside_rather_than_cover_a_card(open_board, members, shot):
    olivia = open_board(members["owner"])
    whole_board(olivia)
    legend = olivia.get_by_role("list", name="Legend")
    expect(legend).to_be_visible()
    instagram = card(olivia, "Instagram ad")

    # Pan the board so that a card sits where the legend is.
    spot = lane_spot(olivia, "Loyalty", 1)
    goal = legend.bounding_box()
    here = instagram.bounding_box()
    dx = goal["x"] + 30 - here["x"]
    dy = goal["y"] + 10 - here["y"]
    drag(olivia, spot, (spot[0] + dx, spot[1] + dy))
    expect(legend).to_be_hidden()
    toggle = olivia.get_by_role("button", name="Legend")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(instagram).to_be_visible()
    shot(olivia, "aside")

    # Asked for, it shows until the view moves on.
    toggle.click()
    expect(legend).to_be_visible()
    expect(toggle).to_be_hidden()
    assert_accessible(olivia, "editor: legend asked for over a card")
