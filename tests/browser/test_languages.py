"""The product in each language, in a browser whose language and clock are the person's
(Playwright's `locale` sets Accept-Language and Intl's language, `timezone_id` the clock
that static/js/page/timezone.js tells the server): the login page, the board list and the
editor in that language, figures and dates in its local format, and the switcher."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from boards.models import Phase, Snapshot
from boards.snapshots import snapshot_create
from tests.conftest import PASSWORD

SAVED = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)

# language -> (browser locale, clock, the KPI 42000 as written there, the version's time)
LANGUAGES = {
    "sv": ("sv-SE", "Europe/Stockholm", r"42\s000", "1 juli 2026 11:30"),
    "fi": ("fi-FI", "Europe/Helsinki", r"42\s000", "1. heinäkuuta 2026 kello 12.30"),
    "de": ("de-DE", "Europe/Berlin", r"42\.000", "1. Juli 2026 11:30"),
}


def said(language: str, message: str, *, same: bool = False) -> str:
    """`message` in `language`; unless `same`, it must read differently from the English."""
    with translation.override(language):
        text = translation.gettext(message)
    assert same or text != message, f"no {language} translation of {message!r}"
    return text


@pytest.fixture
def measured_board(board, members):
    """The conftest board with a KPI of 42,000 on its first phase and a version saved on
    a summer morning (09:30 UTC)."""
    first = board.phases.order_by("position").first()
    Phase.objects.filter(pk=first.pk).update(
        kpis=[{"name": "Website traffic", "value": 42000, "target": None, "unit": ""}]
    )
    snapshot = snapshot_create(board=board, name="Kick-off", actor=members["owner"])
    Snapshot.objects.filter(pk=snapshot.pk).update(created=SAVED)
    return board


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_product_speaks_the_browser_s_language(
    browser, browser_context_args, live, measured_board, members, org, shot, language
):
    board = measured_board
    locale, zone, figure, saved = LANGUAGES[language]
    context = browser.new_context(**browser_context_args, locale=locale, timezone_id=zone)
    page = context.new_page()

    # The login page, in the browser's language.
    page.goto(live.url + reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(said(language, "E-mail address")).fill(members["editor"].email)
    page.get_by_label(said(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=said(language, "Log in"), exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    # The board list.
    page.goto(live.url + reverse("board_list", args=[org.id]))
    expect(page.locator("html")).to_have_attribute("lang", language)
    nav = page.get_by_role("navigation", name=said(language, "Organisation", same=True))
    expect(nav.get_by_role("link", name=said(language, "Members"))).to_be_visible()
    expect(page.get_by_role("link", name="Webshop lifecycle")).to_be_visible()
    if language == "de":
        shot(page, "board-list")

    # The editor: its words, and the KPI on the canvas in the local format.
    page.goto(live.url + reverse("board_detail", args=[board.id]))
    expect(page.locator("html")).to_have_attribute("lang", language)
    status = page.get_by_role("status", name=said(language, "Connection status"))
    expect(status).to_have_text(said(language, "Connected"))
    phases = page.get_by_role("list", name=said(language, "Lifecycle phases"))
    awareness = phases.get_by_role("listitem", name="Awareness", exact=True)
    expect(awareness.get_by_text(re.compile(rf"^{figure}$"))).to_be_visible()
    if language == "sv":
        shot(page, "editor")

    # A version's time, by the browser's clock and in the local format.
    page.get_by_role("link", name=said(language, "Versions"), exact=True).click()
    row = page.get_by_role("row", name=re.compile("Kick-off"))
    expect(row).to_contain_text(saved)
    context.close()


def test_the_switcher_in_the_account_menu_changes_the_language_for_good(
    browser, browser_context_args, live, org, members
):
    context = browser.new_context(**browser_context_args, locale="de-DE")
    page = context.new_page()
    page.goto(live.url + reverse("login"))
    page.get_by_label(said("de", "E-mail address")).fill(members["viewer"].email)
    page.get_by_label(said("de", "Password")).fill(PASSWORD)
    page.get_by_role("button", name=said("de", "Log in"), exact=True).click()
    page.goto(live.url + reverse("board_list", args=[org.id]))
    expect(page.locator("html")).to_have_attribute("lang", "de")

    # The account menu is named by what it shows, the person's name (and "Account").
    page.locator("summary", has_text=members["viewer"].name).click()
    page.get_by_label(said("de", "Language")).select_option("sv")
    page.get_by_role("button", name=said("de", "Switch"), exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name=said("sv", "Members"))).to_be_visible()
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    members["viewer"].refresh_from_db()
    assert members["viewer"].language == "sv"
    context.close()
