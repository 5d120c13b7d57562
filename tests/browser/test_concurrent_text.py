"""Nobody's words are lost: two people typing in one card, a card deleted while someone
types in it, and edits not yet on the server when the page is reloaded."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from boards.models import Card
from tests.browser import pages
from tests.browser.axe import assert_accessible


def start_typing(page: Page, text: str):
    """Open the text of the card showing `text` for typing; return the field."""
    pages.card(page, text).dblclick()
    field = page.get_by_label("Card text")
    expect(field).to_be_focused()
    return field


def toast(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def test_two_people_typing_in_one_card_both_keep_their_words(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    hers = start_typing(olivia, "Instagram ad")
    his = start_typing(eddie, "Instagram ad")

    hers.press("End")
    hers.press_sequentially(" with a coupon")
    his.press("Home")
    his.press_sequentially("Paid ")
    hers.press("Escape")
    expect(pages.card(eddie, "Instagram ad with a coupon")).to_be_visible()
    his.press("Escape")

    for page in (olivia, eddie):
        expect(pages.card(page, "Paid Instagram ad with a coupon")).to_be_visible()
    pages.settled(eddie)
    assert (
        Card.objects.get(board=board, kind="touchpoint").text == "Paid Instagram ad with a coupon"
    )
    shot(olivia, "merged")


def test_both_rewriting_the_same_words_keeps_both_versions_and_tells_both(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    hers = start_typing(olivia, "Instagram ad")
    his = start_typing(eddie, "Instagram ad")

    hers.fill("TikTok ad")
    his.fill("YouTube ad")
    hers.press("Escape")
    expect(pages.card(eddie, "TikTok ad")).to_be_visible()
    his.press("Escape")

    both = re.compile(
        r"TikTok ad\s+— Also written at the same time, by Editor Person:\s+YouTube ad"
    )
    for page in (olivia, eddie):
        expect(page.get_by_role("group", name=re.compile(r"^Touchpoint: TikTok ad"))).to_have_text(
            both
        )
    expect(toast(eddie, "Someone changed the same words of this card")).to_be_visible()
    expect(toast(olivia, "Editor Person changed the same words of your card")).to_be_visible()
    assert_accessible(olivia, "concurrent text: conflict")
    shot(olivia, "conflict")
    shot(eddie, "conflict-author")


def test_a_card_deleted_while_someone_types_in_it_comes_back_with_their_text(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    his = start_typing(eddie, "Instagram ad")
    his.press("End")
    his.press_sequentially(" for new parents")

    pages.card(olivia, "Instagram ad").click()
    olivia.get_by_role("button", name="Delete card Instagram ad").click()

    # He goes on typing, in the card that came back.
    field = eddie.get_by_label("Card text")
    expect(field).to_be_focused()
    expect(field).to_have_value("Instagram ad for new parents")
    field.press("End")
    field.press_sequentially(" and students")
    field.press("Escape")

    words = "Instagram ad for new parents and students"
    for page in (olivia, eddie):
        expect(pages.card(page, words)).to_be_visible()
    expect(toast(eddie, "This card was deleted while you were typing")).to_be_visible()
    expect(toast(olivia, "Editor Person was typing in a card you deleted")).to_be_visible()
    pages.settled(eddie)
    card = Card.objects.get(board=board, kind="touchpoint")
    assert (card.text, card.deleted) == (words, False)
    assert_accessible(olivia, "concurrent text: restored")
    shot(olivia, "restored")


def test_an_edit_not_yet_on_the_server_survives_a_reload(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    # Olivia's op frames get lost on the way (a proxy that drops them): the server
    # never answers her edit, and the page still holds it when she reloads.
    dropping = {"ops": True}

    def lossy(ws):
        server = ws.connect_to_server()
        ws.on_message(
            lambda message: (
                None if dropping["ops"] and '"type":"op"' in str(message) else server.send(message)
            )
        )
        server.on_message(lambda message: ws.send(message))

    olivia.route_web_socket(re.compile(r"/ws/boards/"), lossy)
    olivia.reload()
    expect(pages.status(olivia)).to_have_text("Connected")
    field = start_typing(olivia, "Instagram ad")
    field.fill("Instagram ad, retargeting")
    field.press("Escape")
    expect(pages.card(olivia, "Instagram ad, retargeting")).to_be_visible()

    dropping["ops"] = False
    olivia.reload()

    expect(toast(olivia, "1 change made before the page was reloaded")).to_be_visible()
    expect(pages.card(eddie, "Instagram ad, retargeting")).to_be_visible()
    expect(toast(olivia, "Your changes from before the reload are saved.")).to_be_visible()
    assert_accessible(olivia, "outbox: restored")
    shot(olivia, "restored")
    assert Card.objects.get(board=board, kind="touchpoint").text == "Instagram ad, retargeting"


def test_an_open_panel_follows_the_canvas_and_saves_only_what_was_changed(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    pages.card(olivia, "Instagram ad").click()
    panel = olivia.get_by_role("region", name="Card details")
    expect(panel.get_by_label("Text")).to_have_value("Instagram ad")
    # She is choosing a channel when he rewrites the card on the canvas.
    panel.get_by_label("Channel").select_option(label="Social media")

    field = start_typing(eddie, "Instagram ad")
    field.fill("Instagram reels ad")
    field.press("Escape")

    expect(panel.get_by_label("Text")).to_have_value("Instagram reels ad")
    expect(panel.get_by_label("Channel")).to_have_value("social")
    shot(olivia, "followed")
    panel.get_by_role("button", name="Save card").click()

    expect(panel.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(pages.card(eddie, "Instagram reels ad")).to_be_visible()
    card = Card.objects.get(board=board, kind="touchpoint")
    assert (card.text, card.channel) == ("Instagram reels ad", "social")
    assert_accessible(olivia, "panel: followed the canvas")


def test_undo_leaves_a_card_someone_has_rewritten_since_and_says_why(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    pages.add_card_by_key(olivia, "Purchase", "t", "Mine at first")
    field = start_typing(eddie, "Mine at first")
    field.fill("Ours now")
    field.press("Escape")
    expect(pages.card(olivia, "Ours now")).to_be_visible()

    olivia.get_by_role("button", name="Undo").click()

    expect(toast(olivia, "Nothing was undone: someone else has changed it since")).to_be_visible()
    expect(pages.card(olivia, "Ours now")).to_be_visible()
    expect(pages.card(eddie, "Ours now")).to_be_visible()
    expect(olivia.get_by_role("button", name="Undo")).to_be_disabled()
    assert_accessible(olivia, "undo: refused")
    shot(olivia, "undo-refused")
    assert not Card.objects.get(board=board, text="Ours now").deleted
