"""The outline view: the live board as lists, usable with a keyboard and a screen reader."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from boards.models import Card
from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD

PHASES = ["Awareness", "Consideration", "Purchase", "Loyalty"]


@pytest.fixture
def open_outline(browser: Browser, browser_context_args, live, board):
    """open_outline(user) -> a page of its own browser context, logged in as `user`, on
    the board's outline, connected live."""
    contexts = []

    def open_as(user, *, javascript: bool = True) -> Page:
        context = browser.new_context(**browser_context_args, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.goto(live.url + reverse("login"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(live.url + reverse("board_outline", args=[board.id]))
        if javascript:
            expect(status(page)).to_have_text("Connected")
        return page

    yield open_as
    for context in contexts:
        context.close()


def status(page: Page) -> Locator:
    return page.get_by_role("status", name="Connection status")


def cards_of(page: Page, phase: str) -> Locator:
    return page.get_by_role("list", name=phase, exact=True)


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        if target.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{key} never reached {target}")


def test_it_adds_edits_moves_and_deletes_a_card_by_keyboard(open_outline, board, members, shot):
    olivia = open_outline(members["owner"])
    eddie = open_outline(members["editor"])

    # Add: type the text, choose the kind, press the button.
    field = olivia.get_by_label("New card in Awareness")
    tab_to(olivia, field)
    olivia.keyboard.type("Podcast sponsorship")
    olivia.keyboard.press("Tab")
    expect(olivia.get_by_label("Card kind for Awareness")).to_be_focused()
    olivia.keyboard.press("End")  # the last kind: Opportunity
    olivia.keyboard.press("Tab")
    expect(olivia.get_by_role("button", name="Add card to Awareness")).to_be_focused()
    olivia.keyboard.press("Enter")

    expect(field).to_be_focused()  # ready for the next card
    expect(field).to_have_value("")
    added = (
        cards_of(olivia, "Awareness").get_by_role("listitem").filter(has_text="Podcast sponsorship")
    )
    expect(added).to_contain_text("Opportunity")
    seen = (
        cards_of(eddie, "Awareness").get_by_role("listitem").filter(has_text="Podcast sponsorship")
    )
    expect(seen).to_contain_text("Opportunity")
    expect(eddie.locator("#announcer")).to_have_text("New card in Awareness: Podcast sponsorship")
    assert_accessible(olivia, "outline: added")
    shot(olivia, "1-added")
    card = Card.objects.get(board=board, text="Podcast sponsorship")
    assert (card.kind, card.phase.name, card.x) == ("opportunity", "Awareness", 40)

    # Edit the text: Enter opens the field, Enter saves.
    tab_to(
        olivia,
        olivia.get_by_role("button", name="Edit text of Podcast sponsorship"),
        backwards=True,
    )
    olivia.keyboard.press("Enter")
    expect(olivia.get_by_role("textbox", name="Text of Podcast sponsorship")).to_be_focused()
    olivia.keyboard.type("Podcast sponsorship (Q3)")
    assert_accessible(olivia, "outline: editing")
    shot(olivia, "2-editing")
    olivia.keyboard.press("Enter")

    expect(
        olivia.get_by_role("button", name="Edit text of Podcast sponsorship (Q3)")
    ).to_be_focused()
    expect(cards_of(eddie, "Awareness")).to_contain_text("Podcast sponsorship (Q3)")
    card.refresh_from_db()
    assert card.text == "Podcast sponsorship (Q3)"

    # Move to the next phase: choose it, press Move; the keyboard follows the card.
    olivia.keyboard.press("Tab")
    phase_field = olivia.get_by_role("combobox", name="Phase of Podcast sponsorship (Q3)")
    expect(phase_field).to_be_focused()
    olivia.keyboard.press("ArrowDown")
    expect(phase_field).to_have_value(str(board.phases.get(name="Consideration").id))
    olivia.keyboard.press("Tab")
    olivia.keyboard.press("Enter")

    moved = (
        cards_of(olivia, "Consideration")
        .get_by_role("listitem")
        .filter(has_text="Podcast sponsorship (Q3)")
    )
    expect(moved).to_be_visible()
    expect(phase_field).to_be_focused()
    expect(cards_of(olivia, "Awareness").get_by_text("Podcast sponsorship")).to_have_count(0)
    expect(cards_of(eddie, "Consideration")).to_contain_text("Podcast sponsorship (Q3)")
    expect(cards_of(eddie, "Awareness").get_by_text("Podcast sponsorship")).to_have_count(0)
    assert_accessible(olivia, "outline: moved")
    shot(olivia, "3-moved")
    card.refresh_from_db()
    assert card.phase.name == "Consideration"
    assert card.x == 40  # relative to the column, kept (docs/protocol.md, "Geometry")

    # Delete: the keyboard lands on the card before it.
    tab_to(olivia, olivia.get_by_role("button", name="Delete card Podcast sponsorship (Q3)"))
    olivia.keyboard.press("Enter")

    expect(cards_of(olivia, "Consideration").get_by_text("Podcast sponsorship")).to_have_count(0)
    expect(cards_of(eddie, "Consideration").get_by_text("Podcast sponsorship")).to_have_count(0)
    expect(olivia.get_by_role("button", name="Delete card Welcome e-mail")).to_be_focused()
    expect(olivia.locator("#announcer")).to_have_text("Card deleted: Podcast sponsorship (Q3)")
    card.refresh_from_db()
    assert card.deleted


def test_it_shows_a_viewer_the_live_outline_without_editing_controls(
    open_outline, board, members, shot
):
    victor = open_outline(members["viewer"])
    olivia = open_outline(members["owner"])

    expect(victor.get_by_text("You can view this board but not change it.")).to_be_visible()
    expect(victor.get_by_role("heading", level=2)).to_have_text([*PHASES, "How customers move"])
    expect(cards_of(victor, "Awareness")).to_contain_text("Instagram ad")
    for name in ["Add card", "Edit text of", "Delete card", "Move"]:
        expect(victor.get_by_role("button", name=re.compile(name))).to_have_count(0)
    expect(victor.get_by_label(re.compile(r"^(New card in|Phase of)"))).to_have_count(0)
    expect(victor.get_by_role("link", name="Canvas view")).to_have_attribute(
        "href", reverse("board_detail", args=[board.id])
    )

    olivia.get_by_label("New card in Loyalty").fill("Birthday voucher")
    olivia.get_by_label("New card in Loyalty").press("Enter")

    expect(cards_of(victor, "Loyalty")).to_contain_text("Birthday voucher")
    expect(victor.get_by_role("list", name="Who is here").get_by_role("listitem")).to_have_count(2)
    assert_accessible(victor, "outline: viewer")
    shot(victor, "viewer")


def test_it_shows_the_board_as_lists_without_javascript(open_outline, members, shot):
    page = open_outline(members["viewer"], javascript=False)

    expect(page.get_by_role("heading", level=2)).to_have_text([*PHASES, "How customers move"])
    expect(cards_of(page, "Awareness")).to_contain_text("Instagram ad")
    expect(cards_of(page, "Consideration")).to_contain_text("Welcome e-mail")
    expect(cards_of(page, "Purchase")).to_contain_text("Nothing in this phase yet")
    # axe is JavaScript: the same markup is checked with scripts on, in the tests above.
    shot(page, "no-js")


def test_it_draws_arrows_and_links_and_sets_their_meaning_by_keyboard(
    open_outline, open_board, board, members, shot
):
    olivia = open_outline(members["owner"])
    canvas = open_board(members["editor"])

    # Link: the activity serves a touchpoint chosen from a list.
    link = olivia.get_by_role("button", name="Link Welcome e-mail to a touchpoint")
    tab_to(olivia, link)
    olivia.keyboard.press("Enter")
    dialog = olivia.get_by_role("dialog", name="Link “Welcome e-mail” to a touchpoint")
    expect(dialog.get_by_label("Find a card by its words or its phase")).to_be_focused()
    olivia.keyboard.press("ArrowDown")
    expect(dialog.get_by_role("option", name="Touchpoint: Instagram ad")).to_be_focused()
    assert_accessible(olivia, "outline: card picker")
    shot(olivia, "1-picker")
    olivia.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    links = olivia.get_by_role("list", name="Which activity serves which touchpoint")
    expect(links.get_by_role("listitem")).to_have_text(
        re.compile("Welcome e-mail serves Instagram ad")
    )
    expect(olivia.locator("#announcer")).to_have_text("Linked: Welcome e-mail serves Instagram ad")
    expect(
        canvas.get_by_role("button", name="Link: Welcome e-mail serves Instagram ad")
    ).to_be_attached()

    # An arrow backward: drawn from a list, then its label, weight and meaning.
    olivia.get_by_role("button", name="Draw arrow from Welcome e-mail").press("Enter")
    dialog = olivia.get_by_role("dialog", name="Draw an arrow from “Welcome e-mail” to…")
    dialog.get_by_label("Find a card by its words or its phase").press_sequentially("insta")
    olivia.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    label = olivia.get_by_role("textbox", name="Label")
    expect(label).to_be_focused()
    olivia.keyboard.type("Win-back")
    olivia.keyboard.press("Tab")
    olivia.keyboard.type("8")
    olivia.keyboard.press("Tab")
    meaning = olivia.get_by_role("combobox", name="Moving back means")
    expect(meaning).to_be_focused()
    meaning.select_option(label="Customers are reactivated")
    olivia.get_by_role("button", name="Save", exact=True).press("Enter")
    moves = olivia.get_by_role("list", name="How customers move")
    row = moves.get_by_role("listitem").filter(has_text="Welcome e-mail → Instagram ad")
    expect(row).to_contain_text("Backward")
    expect(row).to_contain_text("Customers are reactivated")
    expect(row).to_contain_text("Win-back · weight 8")
    expect(
        canvas.get_by_role(
            "button",
            name="Arrow from Welcome e-mail to Instagram ad, backward, "
            "customers are reactivated, Win-back · 8",
        )
    ).to_be_attached()
    assert_accessible(olivia, "outline: arrows and links")
    shot(olivia, "2-arrows")

    # Delete the link again.
    links.get_by_role("button", name="Delete link: Welcome e-mail serves Instagram ad").click()
    expect(links).to_have_count(0)
    expect(
        canvas.get_by_role("button", name="Link: Welcome e-mail serves Instagram ad")
    ).to_have_count(0)
