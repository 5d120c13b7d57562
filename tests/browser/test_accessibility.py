"""axe-core on every page of the app and every state of the editor (side panel tabs,
menus, the workshop guide, the phase dialog), as an owner, a guest and a visitor:
no serious or critical violation anywhere (tests/browser/axe.py)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from boards.models import Card, CardKind
from boards.sharing import share_link_create
from boards.snapshots import snapshot_create
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase, status
from tests.conftest import PASSWORD
from tests.factories import make_card


def log_in(page: Page, live, user) -> None:
    page.goto(live.url + reverse("login"))
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def page_of(browser: Browser, browser_context_args):
    contexts = []

    def make() -> Page:
        context = browser.new_context(**browser_context_args)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_every_page_passes_axe(page_of, live, board, members):
    visitor = page_of()
    for name in ("login", "signup", "password_reset"):
        visitor.goto(live.url + reverse(name))
        assert_accessible(visitor, f"the {name} page, logged out")

    owner = members["owner"]
    snapshot = snapshot_create(board=board, name="Kick-off", actor=owner)
    Card.objects.filter(board=board, text="Instagram ad").update(text="Instagram reels ad")
    make_card(board, kind=CardKind.OPPORTUNITY, phase=board.phases.first(), text="Referrals")
    org = board.organisation_id
    page = page_of()
    log_in(page, live, owner)
    card_id = Card.objects.get(board=board, text="Welcome e-mail").id
    urls = {
        "home": reverse("home"),
        "board list": reverse("board_list", args=[org]),
        "new board": reverse("board_create", args=[org]),
        "outline": reverse("board_outline", args=[board.id]),
        "versions": reverse("board_versions", args=[board.id]),
        "compare": reverse("snapshot_detail", args=[board.id, snapshot.id]),
        "sharing": reverse("board_sharing", args=[board.id]),
        "delete board": reverse("board_delete", args=[board.id]),
        "members": reverse("member_list", args=[org]),
        "organisation settings": reverse("organisation_settings", args=[org]),
        "new organisation": reverse("organisation_create"),
        "preferences": reverse("preferences"),
        "change password": reverse("password_change"),
        "card panel": reverse("panel_card", args=[board.id, card_id]),
        "board panel": reverse("panel_board", args=[board.id]),
        "people panel": reverse("panel_people", args=[board.id]),
        "gaps panel": reverse("panel_gaps", args=[board.id]),
        "strategy panel": reverse("panel_strategy", args=[board.id]),
        "a missing page": "/no-such-page/",
    }
    for name, url in urls.items():
        page.goto(live.url + url)
        assert_accessible(page, f"the {name} page")

    page.goto(live.url + reverse("board_list", args=[org]))
    page.locator("summary", has_text="Olivia Owner").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert_accessible(page, "the board list, account menu open")
    page.locator("summary", has_text="Acme Marketing").click()
    expect(page.get_by_role("link", name="New organisation…")).to_be_visible()
    assert_accessible(page, "the board list, organisation menu open")

    link = share_link_create(board=board, actor=owner, label="Agency", days=None)
    guest = page_of()
    guest.goto(live.url + reverse("shared_board", args=[link.token]))
    expect(status(guest)).to_have_text("Connected")
    assert_accessible(guest, "the board through a share link")


def test_every_editor_state_passes_axe(page_of, live, board, members):
    page = page_of()
    log_in(page, live, members["owner"])
    page.goto(live.url + reverse("board_detail", args=[board.id]))
    expect(status(page)).to_have_text("Connected")
    expect(phase(page, "Awareness")).to_be_visible()
    assert_accessible(page, "the editor")

    card(page, "Instagram ad").click()
    expect(page.get_by_role("region", name="Card details")).to_be_visible()
    assert_accessible(page, "the editor, a card selected with its details")
    page.get_by_role("button", name=re.compile("^Arrow from")).first.focus()
    assert_accessible(page, "the editor, an arrow selected")
    tabs = page.get_by_role("tablist", name="Side panel")
    for name, region in (("Gaps", "Gap analysis"), ("Strategy", "Strategy"), ("People", None)):
        tabs.get_by_role("tab", name=name).click()
        expect(tabs.get_by_role("tab", name=name)).to_have_attribute("aria-selected", "true")
        if region:
            expect(page.get_by_role("region", name=region)).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"the editor, {name} tab")

    page.get_by_text("Export", exact=True).click()
    expect(page.get_by_role("link", name="PNG image")).to_be_visible()
    assert_accessible(page, "the editor, export menu open")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Options for phase Awareness").click()
    expect(page.get_by_role("menuitem", name="Rename")).to_be_visible()
    assert_accessible(page, "the editor, a phase menu open")
    page.get_by_role("menuitem", name="Delete phase…").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_accessible(page, "the editor, the delete-phase dialog")
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()

    guide = page.get_by_role("region", name="Workshop guide")
    if guide.is_visible():
        guide.get_by_role("button", name="Start the workshop guide").click()
        assert_accessible(page, "the editor, workshop guide running")
