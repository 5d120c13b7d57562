"""The canvas with a keyboard only and with a screen reader: the skip link, adding cards
beside the selection, drawing arrows and links to a card chosen from a list, setting
their label, weight and meaning, and hearing what others add."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from boards.models import Arrow, Board, Card, CardLink, Movement
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase, settled, status
from tests.conftest import PASSWORD


def box_of(locator) -> dict:
    box = locator.bounding_box()
    assert box is not None
    return box


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and a["x"] + a["width"] > b["x"]
        and a["y"] < b["y"] + b["height"]
        and a["y"] + a["height"] > b["y"]
    )


def pick(page: Page, title: str, words: str, option: str) -> None:
    """In the card picker titled `title`, type `words`, go down to `option`, press Enter."""
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    search = dialog.get_by_label("Find a card by its words or its phase")
    expect(search).to_be_focused()
    search.press_sequentially(words)
    expect(dialog.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    expect(dialog.get_by_role("option", name=option)).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()


def test_a_keyboard_draws_arrows_and_links_from_a_list(open_board, board, members, shot):
    olivia = open_board(members["owner"])

    # The skip link (second Tab stop) lands on the first card of the board.
    olivia.keyboard.press("Tab")
    olivia.keyboard.press("Tab")
    skip = olivia.get_by_role("link", name="Skip to the canvas")
    expect(skip).to_be_focused()
    olivia.keyboard.press("Enter")
    instagram = card(olivia, "Instagram ad")
    expect(instagram).to_be_focused()

    # A new card goes beside the selected one, not on top of anything.
    olivia.keyboard.press("a")
    editor = olivia.get_by_label("Card text")
    expect(editor).to_be_focused()
    editor.press_sequentially("Retargeting ads")
    editor.press("Escape")
    retargeting = card(olivia, "Retargeting ads", "Current activity")
    expect(retargeting).to_be_focused()
    expect(
        phase(olivia, "Awareness").get_by_role("group", name="Current activity: Retargeting ads")
    ).to_be_visible()
    assert not overlap(box_of(retargeting), box_of(instagram))

    # L: link it to a touchpoint chosen from the list.
    olivia.keyboard.press("l")
    dialog = olivia.get_by_role("dialog", name="Link “Retargeting ads” to a touchpoint")
    expect(dialog.get_by_role("option", name="Touchpoint: Instagram ad")).to_be_visible()
    # Only touchpoints are offered: the activity on the board is not.
    expect(dialog.get_by_role("option", name="Current activity: Welcome e-mail")).to_have_count(0)
    assert_accessible(olivia, "editor: card picker for a link")
    shot(olivia, "link-picker")
    pick(olivia, "Link “Retargeting ads” to a touchpoint", "insta", "Touchpoint: Instagram ad")
    expect(
        olivia.get_by_role("button", name="Link: Retargeting ads serves Instagram ad")
    ).to_be_attached()
    expect(olivia.get_by_role("status").filter(has_text="Linked:")).to_have_text(
        "Linked: Retargeting ads serves Instagram ad"
    )
    expect(retargeting).to_be_focused()

    # C: an arrow forward, then its label and weight, all from the keyboard.
    olivia.keyboard.press("c")
    pick(
        olivia,
        "Draw an arrow from “Retargeting ads” to…",
        "welcome",
        "Current activity: Welcome e-mail",
    )
    expect(olivia.get_by_label("Label")).to_be_focused()
    olivia.keyboard.type("Clicks")
    olivia.keyboard.press("Tab")
    expect(olivia.get_by_label("Weight")).to_be_focused()
    olivia.keyboard.type("25")
    olivia.keyboard.press("Enter")
    forward = olivia.get_by_role(
        "button", name="Arrow from Retargeting ads to Welcome e-mail, forward, Clicks · 25"
    )
    expect(forward).to_be_focused()

    # From the selection bar's button (where a screen reader's reading cursor finds it):
    # an arrow backward, and what the move back means.
    welcome = card(olivia, "Welcome e-mail", "Current activity")
    welcome.focus()
    selbar = olivia.get_by_role("toolbar", name="Selected cards")
    selbar.get_by_role("button", name="Connect to…").focus()
    olivia.keyboard.press("Enter")
    pick(
        olivia,
        "Draw an arrow from “Welcome e-mail” to…",
        "retarg",
        "Current activity: Retargeting ads",
    )
    expect(olivia.get_by_label("Label")).to_be_focused()
    meaning = olivia.get_by_label("Moving back means")
    olivia.keyboard.press("Tab")
    olivia.keyboard.press("Tab")
    expect(meaning).to_be_focused()
    meaning.select_option(label="Customers return to buy again")
    expect(
        olivia.get_by_role(
            "button",
            name="Arrow from Welcome e-mail to Retargeting ads, backward, "
            "customers return to buy again",
        )
    ).to_be_attached()
    shot(olivia, "arrows")

    # Escape on an empty draft makes no card; T works after a click on a toolbar button.
    olivia.get_by_role("button", name="Show gaps").click()
    olivia.keyboard.press("n")
    expect(olivia.get_by_label("Card text")).to_be_focused()
    olivia.keyboard.press("Escape")
    expect(olivia.get_by_label("Card text")).to_have_count(0)
    expect(olivia.get_by_role("group", name="Note: (empty)")).to_have_count(0)
    olivia.get_by_role("button", name="Show gaps").click()
    olivia.keyboard.press("t")
    expect(olivia.get_by_label("Card text")).to_be_focused()
    olivia.keyboard.type("Podcast")
    olivia.keyboard.press("Escape")
    expect(card(olivia, "Podcast")).to_be_visible()
    assert_accessible(olivia, "editor: after keyboard arrows and links")

    settled(olivia)
    activity = Card.objects.get(board=board, text="Retargeting ads")
    assert CardLink.objects.filter(
        source=activity, target__text="Instagram ad", deleted=False
    ).exists()
    assert Arrow.objects.get(from_card=activity, deleted=False).weight == 25
    back = Arrow.objects.get(to_card=activity, deleted=False)
    assert back.movement == Movement.RETURN
    assert not Card.objects.filter(board=board, kind="note", deleted=False).exists()


def test_a_peers_new_cards_are_announced_politely_and_together(open_board, board, members):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    announcer = olivia.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")

    card(eddie, "Instagram ad").focus()
    eddie.keyboard.press("t")
    eddie.keyboard.type("Podcast sponsorship")
    eddie.keyboard.press("Escape")
    expect(announcer).to_have_text("New card in Awareness: Podcast sponsorship")

    # Several at once are one sentence, not a flood.
    card(eddie, "Instagram ad").click()
    card(eddie, "Podcast sponsorship").click(modifiers=["Shift"])
    eddie.keyboard.press("Control+d")
    expect(announcer).to_have_text("2 new cards from others, in Awareness")
    # Her own cards are not announced to her.
    card(olivia, "Welcome e-mail", "Current activity").focus()
    olivia.keyboard.press("n")
    olivia.keyboard.type("Mine")
    olivia.keyboard.press("Escape")
    expect(card(olivia, "Mine", "Note")).to_be_visible()
    expect(announcer).to_have_text("2 new cards from others, in Awareness")


def tab_to(page: Page, target, key: str = "Tab", limit: int = 80) -> None:
    """Press Tab (or `key`) until `target` has the focus, as a keyboard user does."""
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{limit} Tabs never reached {target}")


def test_a_keyboard_chooses_several_cards_with_space_and_tab_keeps_them(open_board, board, members):
    olivia = open_board(members["owner"])
    announcer = olivia.locator("#announcer")
    instagram = card(olivia, "Instagram ad")
    welcome = card(olivia, "Welcome e-mail", "Current activity")
    olivia.keyboard.press("Tab")
    olivia.keyboard.press("Tab")
    expect(olivia.get_by_role("link", name="Skip to the canvas")).to_be_focused()
    olivia.keyboard.press("Enter")
    expect(instagram).to_be_focused()
    expect(instagram).to_have_class(re.compile("is-selected"))

    # Space keeps the selection while Tab moves on, and adds the card it is pressed on.
    olivia.keyboard.press("Space")
    expect(announcer).to_contain_text("Cards selected: 1.")
    tab_to(olivia, welcome)
    expect(instagram).to_have_class(re.compile("is-selected"))
    expect(welcome).not_to_have_class(re.compile("is-selected"))
    olivia.keyboard.press("Space")
    expect(announcer).to_contain_text("Cards selected: 2.")
    expect(welcome).to_have_class(re.compile("is-selected"))
    expect(olivia.get_by_role("button", name="Delete 2 cards")).to_be_visible()

    # Both move together, as they would after Shift+click.
    before = [box_of(instagram), box_of(welcome)]
    revision = Board.objects.get(pk=board.pk).rev
    olivia.keyboard.press("ArrowRight")
    settled(olivia)
    after = [box_of(instagram), box_of(welcome)]
    moved = [round(a["x"] - b["x"], 1) for a, b in zip(after, before, strict=True)]
    assert moved[0] == moved[1] > 0, moved
    assert [a["y"] for a in after] == [b["y"] for b in before]
    assert Board.objects.get(pk=board.pk).rev == revision + 1  # one change for both
    expect(welcome).to_be_focused()  # moved into the next phase, and still in hand

    # Space again takes a card out; Escape ends it, and Tab selects as it goes again.
    olivia.keyboard.press("Space")
    expect(welcome).not_to_have_class(re.compile("is-selected"))
    expect(announcer).to_contain_text("Cards selected: 1.")
    olivia.keyboard.press("Escape")
    expect(instagram).not_to_have_class(re.compile("is-selected"))
    tab_to(olivia, instagram, key="Shift+Tab")
    expect(instagram).to_have_class(re.compile("is-selected"))


def test_a_whole_workshop_by_keyboard_alone(live, page: Page, org, members, shot):
    page.goto(live.url + reverse("login"))
    page.get_by_label("E-mail address").fill(members["owner"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # From the board list to a new board, Tab, type and Enter.
    page.goto(live.url + reverse("board_list", args=[org.id]))
    tab_to(page, page.get_by_role("link", name="New board"))
    page.keyboard.press("Enter")
    title = page.get_by_label("Title")
    tab_to(page, title)
    page.keyboard.type("Bike shop lifecycle")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Bike shop lifecycle")).to_be_visible()
    expect(status(page)).to_have_text("Connected")
    expect(page.get_by_role("group", name=re.compile(r"^Touchpoint: ")).first).to_be_visible()

    # The skip link (second Tab stop) lands on the first example touchpoint.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to the canvas")).to_be_focused()
    page.keyboard.press("Enter")
    social = card(page, "Social media post or ad")
    expect(social).to_be_focused()

    # Back to the toolbar: with nothing selected (Escape), its button adds a card in the
    # phase in view.
    page.keyboard.press("Escape")
    tab_to(page, page.get_by_role("button", name="Add opportunity"), key="Shift+Tab")
    page.keyboard.press("Enter")
    page.keyboard.type("Repair café")
    page.keyboard.press("Escape")
    expect(card(page, "Repair café", "Opportunity")).to_be_focused()
    expect(
        page.get_by_role("list", name="Lifecycle phases").get_by_role(
            "group", name="Opportunity: Repair café"
        )
    ).to_be_visible()

    # An activity beside the first touchpoint, linked to it (L) from the list.
    tab_to(page, social)
    page.keyboard.press("a")
    page.keyboard.type("Paid social campaign")
    page.keyboard.press("Escape")
    campaign = card(page, "Paid social campaign", "Current activity")
    expect(campaign).to_be_focused()
    page.keyboard.press("l")
    pick(
        page,
        "Link “Paid social campaign” to a touchpoint",
        "social media",
        "Touchpoint: Social media post or ad",
    )

    # In Consideration: a touchpoint (T), a note (N) and an opportunity (O).
    tab_to(page, card(page, "Product page visit"))
    page.keyboard.press("t")
    page.keyboard.type("Bike fitting video")
    page.keyboard.press("Escape")
    expect(card(page, "Bike fitting video")).to_be_focused()
    page.keyboard.press("n")
    page.keyboard.type("Half of visitors leave at sizing")
    page.keyboard.press("Escape")
    expect(card(page, "Half of visitors leave at sizing", "Note")).to_be_focused()
    page.keyboard.press("o")
    page.keyboard.type("Size guide chat")
    page.keyboard.press("Escape")
    expect(card(page, "Size guide chat", "Opportunity")).to_be_focused()
    consideration = phase(page, "Consideration")
    for name in (
        "Touchpoint: Bike fitting video",
        "Note: Half of visitors leave at sizing",
        "Opportunity: Size guide chat",
    ):
        expect(consideration.get_by_role("group", name=name)).to_be_visible()
    expect(
        phase(page, "Awareness").get_by_role("group", name="Current activity: Paid social campaign")
    ).to_be_visible()

    # An arrow forward (C) from the campaign to the product page, with a label...
    tab_to(page, campaign)
    page.keyboard.press("c")
    pick(
        page,
        "Draw an arrow from “Paid social campaign” to…",
        "product page",
        "Touchpoint: Product page visit",
    )
    expect(page.get_by_label("Label")).to_be_focused()
    page.keyboard.type("Clicks")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role(
            "button", name="Arrow from Paid social campaign to Product page visit, forward, Clicks"
        )
    ).to_be_focused()
    # ...and one backward, from the product page to the campaign.
    tab_to(page, card(page, "Product page visit"))
    page.keyboard.press("c")
    pick(
        page,
        "Draw an arrow from “Product page visit” to…",
        "paid",
        "Current activity: Paid social campaign",
    )
    expect(page.get_by_label("Label")).to_be_focused()
    page.keyboard.press("Escape")
    expect(
        page.get_by_role(
            "button",
            name=re.compile(r"^Arrow from Product page visit to Paid social campaign, backward"),
        )
    ).to_be_attached()
    shot(page, "1-board")

    # The gaps: the Gaps tab, from the Details tab with the arrow keys.
    tab_to(page, page.get_by_role("tab", name="Details"))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Gaps")).to_be_focused()
    gaps = page.get_by_role("region", name="Gap analysis")
    expect(gaps).to_be_visible()
    expect(gaps.get_by_role("status")).to_have_text(
        "1 of 13 touchpoints have an activity behind them (7%)."
    )
    awareness = gaps.get_by_role("list", name="Gaps in Awareness")
    expect(awareness).to_contain_text("“Search result” has no activity behind it")
    expect(awareness).not_to_contain_text("Social media post or ad")
    in_consideration = gaps.get_by_role("list", name="Gaps in Consideration")
    expect(in_consideration).to_contain_text("“Bike fitting video” has no activity behind it")
    expect(in_consideration).to_contain_text(
        "Customers fall back from “Product page visit” to Awareness, and no activity catches them."
    )
    assert_accessible(page, "editor: the gaps after a keyboard-only workshop")
    shot(page, "2-gaps")

    settled(page)
    board = Board.objects.get(title="Bike shop lifecycle")
    campaign_row = Card.objects.get(board=board, text="Paid social campaign")
    assert campaign_row.kind == "activity"
    assert CardLink.objects.filter(
        source=campaign_row, target__text="Social media post or ad", deleted=False
    ).exists()
    assert Arrow.objects.get(from_card=campaign_row, deleted=False).label == "Clicks"
    assert Arrow.objects.get(to_card=campaign_row, deleted=False).movement == Movement.FALL_BACK
    made = dict(Card.objects.filter(board=board, deleted=False).values_list("text", "kind"))
    assert made["Bike fitting video"] == "touchpoint"
    assert made["Half of visitors leave at sizing"] == "note"
    assert made["Size guide chat"] == made["Repair café"] == "opportunity"
