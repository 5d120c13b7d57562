"""Two people on one board see each other's edits live, across a dropped connection."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from boards.models import Board, Card
from tests.browser.axe import assert_accessible
from tests.browser.pages import whole_board
from tests.conftest import PASSWORD

PHASES = ["Awareness", "Consideration", "Purchase", "Loyalty"]
# The server is restarted in one test; reconnecting waits a random back-off of up to
# 0.5 s × 2^attempt, so allow a generous bound there (expect returns as soon as it holds).
AFTER_RESTART_MS = 30_000


@pytest.fixture
def open_board(browser: Browser, browser_context_args, live, board):
    """open_board(user) -> a page of its own browser context, logged in as `user`, on
    the board, connected live."""
    contexts = []

    def open_as(user) -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        page = context.new_page()
        page.goto(live.url + reverse("login"))
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(live.url + reverse("board_detail", args=[board.id]))
        expect(status(page)).to_have_text("Connected")
        return page

    yield open_as
    for context in contexts:
        context.close()


def status(page: Page):
    return page.get_by_role("status", name="Connection status")


def phase(page: Page, name: str):
    return page.get_by_role("list", name="Lifecycle phases").get_by_role(
        "listitem", name=name, exact=True
    )


KIND_KEYS = {None: "t", "Touchpoint": "t", "Current activity": "a", "Note": "n", "Opportunity": "o"}


def add_card(page: Page, phase_name: str, text: str, kind: str | None = None) -> None:
    """Point at an empty spot in the phase's lane, press the kind's shortcut, type."""
    column = phase(page, phase_name)
    expect(column).to_be_visible()
    below = column.get_by_role("group").count()
    box = column.bounding_box()
    for _ in range(50):  # a redraw may detach it for a moment
        if box:
            break
        page.wait_for_timeout(100)
        box = column.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 190 + below * 95)
    page.keyboard.press(KIND_KEYS[kind])
    editor = page.get_by_label("Card text")
    editor.fill(text)
    editor.press("Escape")
    expect(editor).to_have_count(0)


def card_in(page: Page, phase_name: str, text: str):
    return phase(page, phase_name).get_by_role("group", name=re.compile(re.escape(text)))


def test_it_shows_each_persons_edits_to_the_other(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    add_card(olivia, "Awareness", "Podcast sponsorship", kind="Opportunity")

    card = card_in(eddie, "Awareness", "Podcast sponsorship")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Opportunity")
    assert_accessible(olivia, "live sync: added")
    shot(olivia, "1-added")

    card.click()
    eddie.get_by_role("button", name="Delete card Podcast sponsorship").click()

    expect(phase(olivia, "Awareness").get_by_text("Podcast sponsorship")).to_have_count(0)
    expect(card).to_have_count(0)

    # The page header's own rename (the side panel may offer one too).
    olivia.get_by_role("group", name="Board", exact=True).get_by_role(
        "button", name="Rename board"
    ).click()
    olivia.get_by_label("Board title").fill("Webshop lifecycle 2027")
    assert_accessible(olivia, "live sync: renaming")
    shot(olivia, "2-renaming")
    olivia.get_by_role("button", name="Save", exact=True).click()

    expect(eddie.get_by_role("heading", level=1)).to_have_text("Webshop lifecycle 2027")
    expect(olivia.get_by_role("heading", level=1)).to_have_text("Webshop lifecycle 2027")
    expect(eddie).to_have_title(re.compile(r"^Webshop lifecycle 2027"))
    assert_accessible(eddie, "live sync: renamed")
    shot(eddie, "3-renamed")
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle 2027"
    assert Card.objects.get(board=board, text="Podcast sponsorship").deleted


def test_it_keeps_an_edit_made_while_the_server_is_down(open_board, live, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    whole_board(olivia)

    live.stop()

    expect(status(olivia)).to_contain_text("Reconnecting")
    add_card(olivia, "Purchase", "Abandoned-cart e-mail")
    expect(phase(olivia, "Purchase").get_by_text("Abandoned-cart e-mail")).to_be_visible()
    expect(status(olivia)).to_have_text("Reconnecting… 1 unsent change")
    assert_accessible(olivia, "live sync: unsent")
    shot(olivia, "1-unsent")

    live.start()

    expect(status(olivia)).to_have_text("Connected", timeout=AFTER_RESTART_MS)
    expect(phase(eddie, "Purchase").get_by_text("Abandoned-cart e-mail")).to_be_visible(
        timeout=AFTER_RESTART_MS
    )
    expect(status(eddie)).to_have_text("Connected")
    assert_accessible(eddie, "live sync: arrived")
    shot(eddie, "2-arrived")
    card = Card.objects.get(board=board, text="Abandoned-cart e-mail")
    assert not card.deleted
    assert card.phase.name == "Purchase"
    assert card.author == members["owner"]


def test_it_queues_edits_while_the_browser_is_offline(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    whole_board(olivia)

    olivia.context.set_offline(True)

    expect(status(olivia)).to_have_text("Offline")
    add_card(olivia, "Loyalty", "Birthday voucher")
    add_card(olivia, "Loyalty", "Referral programme")
    expect(status(olivia)).to_have_text("Offline – 2 unsent changes")
    assert_accessible(olivia, "live sync: offline")
    shot(olivia, "1-offline")
    expect(phase(eddie, "Loyalty").get_by_text("Birthday voucher")).to_have_count(0)

    olivia.context.set_offline(False)

    expect(status(olivia)).to_have_text("Connected")
    loyalty = phase(eddie, "Loyalty")
    expect(loyalty.get_by_role("paragraph")).to_have_text(
        ["Birthday voucher", "Referral programme"]
    )
    assert Card.objects.filter(board=board, deleted=False, phase__name="Loyalty").count() == 2


def test_it_shows_a_viewer_the_live_board_without_editing_controls(
    open_board, board, members, shot
):
    victor = open_board(members["viewer"])
    olivia = open_board(members["owner"])

    expect(victor.get_by_text("You can view this board but not change it.")).to_be_visible()
    phases = victor.get_by_role("list", name="Lifecycle phases").get_by_role("heading")
    expect(phases).to_have_text(PHASES)
    expect(phase(victor, "Awareness").get_by_text("Instagram ad")).to_be_visible()
    expect(victor.get_by_role("button", name=re.compile(r"^Add "))).to_have_count(0)
    card_in(victor, "Awareness", "Instagram ad").dblclick()
    expect(victor.get_by_label("Card text")).to_have_count(0)
    expect(victor.get_by_role("button", name=re.compile(r"^Delete card"))).to_have_count(0)
    expect(victor.get_by_role("button", name="Rename board")).to_have_count(0)

    add_card(olivia, "Consideration", "Comparison page")

    expect(phase(victor, "Consideration").get_by_text("Comparison page")).to_be_visible()
    expect(victor.get_by_text("You can view this board but not change it.")).to_be_visible()
    assert_accessible(victor, "live sync: viewer")
    shot(victor, "viewer")


def test_it_shows_who_is_on_the_board(open_board, members, shot):
    olivia = open_board(members["owner"])
    here = olivia.get_by_role("list", name="Who is here")
    expect(here.get_by_role("listitem")).to_have_count(1)
    expect(here).to_contain_text("Olivia Owner (you)")

    eddie = open_board(members["editor"])

    expect(here.get_by_role("listitem")).to_have_count(2)
    expect(here).to_contain_text("Editor Person")
    expect(eddie.get_by_role("list", name="Who is here")).to_contain_text("Olivia Owner")
    assert_accessible(olivia, "live sync: here")
    shot(olivia, "two-here")

    eddie.context.close()

    expect(here).not_to_contain_text("Editor Person")
    expect(here.get_by_role("listitem")).to_have_count(1)


def test_it_follows_a_role_change_and_a_removal_while_open(open_board, live, org, members, shot):
    eddie = open_board(members["editor"])
    olivia = open_board(members["owner"]).context.new_page()
    olivia.on("dialog", lambda dialog: dialog.accept())
    olivia.goto(live.url + reverse("member_list", args=[org.id]))
    expect(eddie.get_by_role("button", name="Add touchpoint")).to_be_visible()

    olivia.get_by_label("Role of Editor Person").select_option(label="Viewer")

    expect(eddie.get_by_role("button", name="Add touchpoint")).to_have_count(0)
    expect(eddie.get_by_role("button", name="Rename board")).to_have_count(0)
    expect(eddie.get_by_text("You can view this board but not change it.")).to_be_visible()

    olivia.get_by_role("button", name="Remove Editor Person").click()

    expect(eddie.get_by_role("alert")).to_contain_text("Your access to this board has ended.")
    expect(status(eddie)).to_have_text("Disconnected")
    expect(eddie.get_by_text("You can view this board but not change it.")).to_be_hidden()
    assert_accessible(eddie, "live sync: removed")
    shot(eddie, "removed")


def test_it_shows_card_text_as_text_not_markup(open_board, members):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    add_card(olivia, "Awareness", '<img src=x onerror="alert(1)"><b>Bold</b> offer')

    card = card_in(eddie, "Awareness", "Bold")
    expect(card.get_by_role("paragraph")).to_have_text(
        '<img src=x onerror="alert(1)"><b>Bold</b> offer'
    )
    expect(card.get_by_role("img")).to_have_count(0)


def test_the_board_settings_follow_a_rename_made_on_another_page(open_board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    settings = eddie.get_by_role("region", name="Board settings")
    expect(settings.get_by_label("Title")).to_have_value("Webshop lifecycle")

    olivia.get_by_role("group", name="Board", exact=True).get_by_role(
        "button", name="Rename board"
    ).click()
    olivia.get_by_label("Board title").fill("Webshop lifecycle 2027")
    olivia.get_by_role("button", name="Save", exact=True).click()

    # Eddie's open settings form is not left stale (its next save would undo the rename).
    expect(settings.get_by_label("Title")).to_have_value("Webshop lifecycle 2027")
    assert_accessible(eddie, "live sync: followed")
    shot(eddie, "settings-followed")
