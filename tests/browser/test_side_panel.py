"""The side panel's pages, as a person without the canvas sees them: htmx saves in place."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from boards.models import Card, OpLog
from tests.browser.axe import assert_accessible
from tests.conftest import PASSWORD


@pytest.fixture
def login(browser: Browser, browser_context_args, live):
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
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_it_saves_a_card_in_place_and_explains_bad_input(login, live, board, members, shot):
    card = Card.objects.get(board=board, text="Instagram ad")
    page = login(members["editor"])
    page.goto(live.url + reverse("panel_card", args=[board.id, card.id]))

    panel = page.get_by_role("region", name="Card details")
    expect(panel.get_by_text("Olivia Owner")).to_be_visible()
    expect(panel.get_by_text("To “Welcome e-mail”")).to_be_visible()
    panel.get_by_label("Colour").fill("blue")
    panel.get_by_role("button", name="Save card").click()

    expect(panel.get_by_role("alert").first).to_contain_text("Nothing was saved")
    expect(panel.get_by_text("Give the colour as # and six hex digits")).to_be_visible()
    assert_accessible(page, "side panel: refused")
    shot(page, "1-refused")
    assert not OpLog.objects.filter(board=board).exists()

    panel.get_by_label("Colour").fill("#fbcfe8")
    panel.get_by_label("Channel").select_option(label="Social media")
    panel.get_by_label("Text").fill("Instagram reels ad")
    panel.get_by_role("button", name="Save card").click()

    expect(panel.get_by_role("status")).to_contain_text("Saved.")
    expect(panel.get_by_label("Text")).to_have_value("Instagram reels ad")
    expect(page).to_have_url(re.compile(r"/panel/cards/"))  # swapped in place, no reload
    assert_accessible(page, "side panel: saved")
    shot(page, "2-saved")
    card.refresh_from_db()
    assert (card.text, card.channel, card.colour) == ("Instagram reels ad", "social", "#fbcfe8")


def test_it_shows_board_settings_and_people(login, live, board, members, shot):
    page = login(members["viewer"])
    page.goto(live.url + reverse("panel_board", args=[board.id]))

    settings = page.get_by_role("region", name="Board settings")
    expect(settings.get_by_role("listitem")).to_have_count(4)
    expect(settings.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page, "side panel: board")
    shot(page, "board")

    page.goto(live.url + reverse("panel_people", args=[board.id]))
    people = page.get_by_role("list", name="People")
    expect(people.get_by_role("listitem")).to_have_count(len(members))
    expect(people.get_by_role("listitem").first).to_contain_text("Owner")
    assert_accessible(page, "side panel: people")
    shot(page, "people")
