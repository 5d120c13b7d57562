"""The canvas with a keyboard only and with a screen reader: the skip link, adding cards
beside the selection, drawing arrows and links to a card chosen from a list, setting
their label, weight and meaning, and hearing what others add."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from boards.models import Arrow, Card, CardLink, Movement
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase, settled


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
