"""The board on a tablet and a phone, by touch: the side panel is a drawer opened by a
visible button, the top bar wraps so the account menu and logging out stay in reach, and
a phone is offered the outline view first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase, status
from tests.conftest import PASSWORD

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def touch_board(browser: Browser, live, board):
    """touch_board(user, viewport) -> a touch page, logged in, on the board."""
    contexts = []

    def open_as(user, viewport) -> Page:
        context = browser.new_context(
            viewport=viewport, has_touch=True, is_mobile=True, device_scale_factor=2
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(live.url + reverse("login"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").tap()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(live.url + reverse("board_detail", args=[board.id]))
        expect(status(page)).to_have_text("Connected")
        expect(phase(page, "Awareness")).to_be_attached()
        return page

    yield open_as
    for context in contexts:
        context.close()


def in_view(page: Page, locator) -> bool:
    """Whether `locator` is wholly on screen, waiting up to 5 s for it to get there: the
    drawer slides in (a 0.2 s transition), and a busy machine renders late."""
    size = page.viewport_size
    for _ in range(50):
        box = locator.bounding_box()
        if (
            box is not None
            and box["x"] >= 0
            and box["y"] >= 0
            and box["x"] + box["width"] <= size["width"]
            and box["y"] + box["height"] <= size["height"]
        ):
            return True
        page.wait_for_timeout(100)
    return False


def test_on_a_tablet_the_side_panel_is_a_drawer(touch_board, members, shot):
    page = touch_board(members["editor"], TABLET)
    drawer_button = page.get_by_role("button", name="Details, gaps and strategy")
    details = page.get_by_role("region", name="Card details")
    tabs = page.get_by_role("tablist", name="Side panel")
    expect(drawer_button).to_be_visible()
    expect(tabs).to_be_hidden()
    # The tools to add cards say what they add (above the canvas, covering no phase).
    for name in ("Add touchpoint", "Add current activity", "Add note", "Add opportunity"):
        tool = page.get_by_role("button", name=name)
        expect(tool).to_have_text(name)
        assert in_view(page, tool.get_by_text(name)), f"{name!r} is not shown on a tablet"
    assert in_view(page, phase(page, "Awareness").get_by_role("heading", name="Awareness"))
    assert_accessible(page, "a tablet, the drawer closed")
    shot(page, "1-closed")

    card(page, "Instagram ad").tap()
    drawer_button.tap()
    expect(drawer_button).to_have_attribute("aria-expanded", "true")
    expect(details).to_be_visible()
    expect(details.get_by_label("Text")).to_have_value("Instagram ad")
    expect(tabs.get_by_role("tab", name="Details")).to_be_focused()
    assert in_view(page, details.get_by_label("Text"))
    assert_accessible(page, "a tablet, the drawer open on a card's details")
    shot(page, "2-details")

    tabs.get_by_role("tab", name="Gaps").tap()
    expect(page.get_by_role("region", name="Gap analysis")).to_contain_text(
        "“Instagram ad” has no activity behind it"
    )
    assert_accessible(page, "a tablet, the drawer open on the gaps")
    shot(page, "3-gaps")

    page.get_by_role("button", name="Close the side panel").tap()
    expect(tabs).to_be_hidden()
    expect(drawer_button).to_be_focused()
    expect(card(page, "Instagram ad")).to_be_visible()


def test_on_a_phone_the_outline_is_offered_and_logging_out_is_in_reach(touch_board, members, shot):
    page = touch_board(members["editor"], PHONE)
    outline = page.get_by_role("link", name="Open the outline view")
    expect(outline).to_be_visible()
    assert in_view(page, outline)
    assert_accessible(page, "a phone, the board")
    shot(page, "1-board")

    drawer_button = page.get_by_role("button", name="Details, gaps and strategy")
    drawer_button.tap()
    strategy = page.get_by_role("tablist", name="Side panel").get_by_role("tab", name="Strategy")
    strategy.tap()
    expect(page.get_by_role("region", name="Strategy")).to_be_visible()
    assert in_view(page, strategy)
    assert_accessible(page, "a phone, the bottom sheet on the strategy")
    shot(page, "2-sheet")
    page.get_by_role("button", name="Close the side panel").tap()

    outline.tap()
    expect(page.get_by_role("heading", name="Awareness")).to_be_visible()
    assert_accessible(page, "a phone, the outline")
    shot(page, "3-outline")
    page.go_back()
    expect(status(page)).to_have_text("Connected")

    account = page.locator(".user-menu > summary")
    assert in_view(page, account)
    account.tap()
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_visible()
    assert in_view(page, log_out)
    assert_accessible(page, "a phone, the account menu open")
    shot(page, "4-account")
    log_out.tap()  # a tap reaches it: nothing covers it
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
