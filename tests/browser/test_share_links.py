"""A read-only share link in the browser: a facilitator makes one, a guest without an
account watches the board live through it, and revoking it ends the guest's view."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.browser.pages import add_card_by_key, card, status


def test_a_guest_watches_live_until_the_link_is_revoked(
    browser: Browser, browser_context_args, open_board, members, shot
):
    fiona = open_board(members["facilitator"])
    fiona.get_by_role("link", name="Share").click()
    fiona.get_by_label("Who is it for?").fill("Our agency")
    fiona.get_by_role("button", name="Make a link").click()
    url = fiona.get_by_role("textbox", name="Share link").input_value()
    assert_accessible(fiona, "share links: the sharing page with a new link")

    guest = browser.new_context(**browser_context_args).new_page()
    guest.goto(url)
    expect(status(guest)).to_have_text("Connected")
    expect(card(guest, "Instagram ad")).to_be_visible()
    expect(guest.get_by_text("through a read-only link")).to_be_visible()
    expect(guest.get_by_role("button", name="Add touchpoint")).to_be_hidden()
    card(guest, "Instagram ad").dblclick()
    expect(guest.get_by_label("Card text")).to_have_count(0)

    olivia = open_board(members["owner"])
    add_card_by_key(olivia, "Loyalty", "t", "Referral programme")
    expect(card(guest, "Referral programme")).to_be_visible()
    assert_accessible(guest, "share links: guest")
    shot(guest, "guest")

    fiona.once("dialog", lambda dialog: dialog.accept())
    fiona.get_by_role("button", name="Revoke").click()
    expect(fiona.get_by_text("The link is revoked")).to_be_visible()
    expect(guest.get_by_text("Your access to this board has ended.")).to_be_visible()
    guest.reload()
    expect(guest.get_by_role("heading", name="This link no longer opens the board")).to_be_visible()
    assert_accessible(guest, "share links: a revoked link")
    guest.context.close()
