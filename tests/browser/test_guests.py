"""A workshop link in the browser: a facilitator makes a link for guests who edit, a guest
in another browser opens it, types a name and adds a card the facilitator sees, makes an
account keeping the card, and revoking the link takes them off the board."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.browser.axe import assert_accessible
from tests.browser.pages import add_card_by_key, card, status


def test_a_guest_joins_by_name_edits_and_is_removed_by_revoking(
    browser: Browser, browser_context_args, open_board, members, shot
):
    fiona = open_board(members["facilitator"])
    fiona.get_by_role("link", name="Share").click()
    fiona.get_by_label("edit the board").check()
    fiona.get_by_label("Who is it for?").fill("Kick-off workshop")
    fiona.get_by_role("button", name="Make a link").click()
    url = fiona.get_by_role("textbox", name="Share link").input_value()
    expect(fiona.get_by_text("Guests edit")).to_be_visible()
    shot(fiona, "sharing")
    fiona.get_by_role("link", name="← Webshop lifecycle").click()
    expect(status(fiona)).to_have_text("Connected")

    guest = browser.new_context(**browser_context_args).new_page()
    guest.goto(url)
    expect(guest.get_by_role("heading", name="Webshop lifecycle")).to_be_visible()
    expect(guest.get_by_label("Your name")).to_be_focused()
    assert_accessible(guest, "workshop link: the join page")
    shot(guest, "join")
    guest.get_by_label("Your name").fill("Greta Guest")
    guest.get_by_role("button", name="Join the board").click()
    expect(status(guest)).to_have_text("Connected")
    expect(guest.get_by_text("You are here as Greta Guest, a guest")).to_be_visible()
    # On the facilitator's board, the guest appears by name.
    expect(fiona.get_by_role("listitem", name="Greta Guest")).to_be_visible()

    add_card_by_key(guest, "Loyalty", "t", "Referral programme")
    expect(card(fiona, "Referral programme")).to_be_visible()
    assert_accessible(guest, "workshop link: the guest on the board")
    shot(guest, "guest")

    # The guest keeps their work: an account, from a link on the board.
    guest.get_by_role("link", name="Make an account to keep your cards").click()
    expect(guest.get_by_role("heading", name="Keep your work: make an account")).to_be_visible()
    assert_accessible(guest, "workshop link: making an account")
    guest.get_by_label("E-mail address").fill("greta@example.com")
    guest.get_by_label("Password", exact=True).fill("a long pass 42")
    guest.get_by_label("Password again").fill("a long pass 42")
    shot(guest, "account")
    guest.get_by_role("button", name="Make my account").click()
    expect(guest.get_by_text("We sent a link to greta@example.com.")).to_be_visible()
    expect(status(guest)).to_have_text("Connected")
    expect(card(guest, "Referral programme")).to_be_visible()

    fiona.get_by_role("link", name="Share").click()
    expect(fiona.get_by_text("Joined: Greta Guest")).to_be_visible()
    fiona.once("dialog", lambda dialog: dialog.accept())
    fiona.get_by_role("button", name="Revoke").click()
    expect(fiona.get_by_text("The link is revoked")).to_be_visible()
    expect(guest.get_by_text("Your access to this board has ended.")).to_be_visible()
    guest.reload()
    expect(guest.get_by_role("heading", name="This link no longer opens the board")).to_be_visible()
    guest.context.close()


def test_someone_invited_by_email_joins_on_one_page(
    browser: Browser, browser_context_args, live, org, members, board, shot
):
    from django.urls import reverse

    from journeymap.actions import invite_create

    invite = invite_create(
        organisation=org, role="editor", created_by=members["owner"], email="nina@example.com"
    )
    page = browser.new_context(**browser_context_args).new_page()
    page.goto(live.url + reverse("invite_accept", args=[invite.token]))

    expect(page.get_by_label("E-mail address")).to_have_value("nina@example.com")
    assert_accessible(page, "invite: the one-page path")
    page.get_by_label("Your name").fill("Nina Newcomer")
    page.get_by_label("Choose a password").fill("a long pass 42")
    shot(page, "invite")
    page.get_by_role("button", name="Join Acme Marketing").click()

    expect(page.get_by_text("You joined Acme Marketing. Your role: Editor.")).to_be_visible()
    expect(page.get_by_role("link", name="Webshop lifecycle")).to_be_visible()
    page.context.close()
