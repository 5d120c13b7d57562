"""The canvas by touch on a tablet (Playwright's touch emulation, fingers sent through the
DevTools protocol): one finger pans, two fingers pinch to zoom, a finger moves a card to
another phase, a tap on "Connect to…" draws an arrow to a card chosen from the list,
a tap on a toolbar button adds a card, and a tap opens the side panel drawer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from boards.models import Arrow, Card
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, centre, low_in_lane, phase, settled
from tests.browser.test_small_screens import PHONE, TABLET, touch_board  # noqa: F401 (a fixture)


class Fingers:
    """Touches on `page`: each call sends where every finger on the glass is now."""

    def __init__(self, page: Page):
        self.cdp = page.context.new_cdp_session(page)

    def send(self, kind: str, points: list[tuple[float, float]]) -> None:
        touch_points = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

    def swipe(self, start: list[tuple[float, float]], end: list[tuple[float, float]]) -> None:
        """Put the fingers down at `start`, move them in steps to `end`, lift them."""
        self.send("touchStart", start)
        steps = 10
        for step in range(1, steps + 1):
            f = step / steps
            self.send(
                "touchMove",
                [(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f) for a, b in zip(start, end)],
            )
        self.send("touchEnd", [])


def zoom_percent(page: Page) -> int:
    return int(re.sub(r"\D", "", page.locator("#zoom-level").inner_text()))


def test_on_a_tablet_fingers_pan_pinch_move_and_connect(touch_board, board, members, shot):  # noqa: F811
    page = touch_board(members["owner"], TABLET)
    fingers = Fingers(page)
    instagram = card(page, "Instagram ad")
    expect(instagram).to_be_visible()

    # One finger on empty canvas pans.
    spot = low_in_lane(page, "Awareness")
    before = instagram.bounding_box()
    fingers.swipe([spot], [(spot[0] + 60, spot[1] - 120)])
    after = instagram.bounding_box()
    assert abs(after["x"] - before["x"] - 60) < 3
    assert abs(after["y"] - before["y"] + 120) < 3

    # Two fingers spreading apart zoom in.
    zoom = zoom_percent(page)
    mid = (spot[0] + 60, spot[1] - 200)
    fingers.swipe(
        [(mid[0] - 40, mid[1]), (mid[0] + 40, mid[1])],
        [(mid[0] - 120, mid[1]), (mid[0] + 120, mid[1])],
    )
    expect(page.locator("#zoom-level")).not_to_have_text(f"{zoom}%")
    assert zoom_percent(page) > zoom * 2

    # Fit board (the first phase at a readable size again), then a finger drags the card
    # into the next phase, the part of it in view.
    page.get_by_role("button", name="Fit board").tap()
    expect(instagram).to_be_in_viewport()
    welcome = card(page, "Welcome e-mail", "Current activity")
    target = phase(page, "Consideration").bounding_box()
    view = page.locator("#viewport").bounding_box()
    drop_x = min(target["x"] + 100, view["x"] + view["width"] - 60)
    fingers.swipe([centre(instagram)], [(drop_x, centre(instagram)[1] + 20)])
    expect(
        phase(page, "Consideration").get_by_role("group", name="Touchpoint: Instagram ad")
    ).to_be_visible()
    shot(page, "moved")

    # Tap a card, tap "Connect to…", tap the other card in the list.
    welcome.tap()
    page.get_by_role("toolbar", name="Selected cards").get_by_role(
        "button", name="Connect to…"
    ).tap()
    dialog = page.get_by_role("dialog", name="Draw an arrow from “Welcome e-mail” to…")
    expect(dialog).to_be_visible()
    assert_accessible(page, "editor on a tablet: card picker")
    shot(page, "picker")
    dialog.get_by_role("option", name="Touchpoint: Instagram ad").tap()
    expect(dialog).to_be_hidden()
    expect(
        page.get_by_role("button", name="Arrow from Welcome e-mail to Instagram ad, within a phase")
    ).to_be_attached()
    settled(page)
    moved = Card.objects.get(board=board, text="Instagram ad")
    assert moved.phase.name == "Consideration"
    assert Arrow.objects.filter(
        board=board, from_card__text="Welcome e-mail", to_card=moved, deleted=False
    ).exists()
    shot(page, "connected")


def test_on_a_phone_the_canvas_opens_readable_at_the_first_phase(touch_board, members, shot):  # noqa: F811
    page = touch_board(members["owner"], PHONE)
    expect(phase(page, "Awareness").get_by_role("heading")).to_be_in_viewport()
    expect(card(page, "Instagram ad")).to_be_in_viewport()
    assert zoom_percent(page) >= 70
    shot(page, "phone")


def test_on_a_tablet_a_tap_adds_a_card_and_opens_its_details(touch_board, board, members, shot):  # noqa: F811
    page = touch_board(members["owner"], TABLET)
    instagram = card(page, "Instagram ad")
    expect(instagram).to_be_visible()

    # A tap on the card selects it; a tap on the toolbar's button adds an activity beside it.
    instagram.tap()
    page.get_by_role("toolbar", name="Board tools").get_by_role(
        "button", name="Add current activity"
    ).tap()
    editor = page.get_by_label("Card text")
    expect(editor).to_be_focused()
    editor.fill("Story ads")  # what the on-screen keyboard types
    # Done typing: a tap on empty canvas.
    page.touchscreen.tap(*low_in_lane(page, "Awareness"))
    expect(editor).to_have_count(0)
    story = card(page, "Story ads", "Current activity")
    expect(
        phase(page, "Awareness").get_by_role("group", name="Current activity: Story ads")
    ).to_be_visible()
    shot(page, "added")

    # A tap opens the drawer on the new card's details; × closes it again.
    story.tap()
    drawer_button = page.get_by_role("button", name="Details, gaps and strategy")
    drawer_button.tap()
    expect(drawer_button).to_have_attribute("aria-expanded", "true")
    details = page.get_by_role("region", name="Card details")
    expect(details.get_by_label("Text")).to_have_value("Story ads")
    assert_accessible(page, "editor on a tablet: the drawer on a new card")
    shot(page, "drawer")
    page.get_by_role("button", name="Close the side panel").tap()
    expect(page.get_by_role("tablist", name="Side panel")).to_be_hidden()
    expect(story).to_be_visible()
    settled(page)
    assert Card.objects.get(board=board, text="Story ads").phase.name == "Awareness"
