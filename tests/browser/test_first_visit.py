"""A new user finds their way from sign-up to their first board."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from boards.models import Board
from journeymap.models import Membership, Role, User
from journeymap.verification import confirmation_path
from tests.browser.axe import assert_accessible


def test_it_takes_a_new_user_from_sign_up_to_their_first_board(live, page: Page, shot):
    page.goto(live.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Your name").fill("Maja Marketer")
    page.get_by_label("E-mail address").fill("maja@example.com")
    page.get_by_label("Password", exact=True).fill("lifecycle-mapping-2026")
    page.get_by_label("Password confirmation").fill("lifecycle-mapping-2026")
    assert_accessible(page, "first visit: signup")
    shot(page, "1-signup")
    page.get_by_role("button", name="Sign up").click()

    # The address is confirmed by the link in the mail (the server's console, here).
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    maja = User.objects.get(email="maja@example.com")
    page.goto(live.url + confirmation_path(maja))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="Create an organisation")).to_be_visible()
    page.get_by_label("Organisation name").fill("Nordic Outdoor")
    page.get_by_role("button", name="Create organisation").click()

    expect(page.get_by_role("heading", name="No boards yet")).to_be_visible()
    page.get_by_role("link", name="Create the first board").click()
    page.get_by_label("Title").fill("Webshop lifecycle 2027")
    page.get_by_label("Lifecycle framework").select_option(label="Lifecycle sales process")
    assert_accessible(page, "first visit: new board")
    shot(page, "2-new-board")
    page.get_by_role("button", name="Create board").click()

    expect(page.get_by_role("heading", name="Webshop lifecycle 2027")).to_be_visible()
    phases = page.get_by_role("list", name="Lifecycle phases").get_by_role("heading")
    expect(phases).to_have_text(["First impression", "Retention", "Win-back", "Ambassador"])
    expect(page.get_by_role("status", name="Connection status")).to_have_text("Connected")
    # The framework's examples came with it, gaps marked where nothing serves a touchpoint.
    expect(page.get_by_role("group", name=re.compile(r"^Touchpoint: ")).first).to_be_visible()
    assert_accessible(page, "first visit: board")
    shot(page, "3-board")

    membership = Membership.objects.get(user__email="maja@example.com")
    assert membership.role == Role.OWNER
    assert Board.objects.get(title="Webshop lifecycle 2027").organisation == membership.organisation

    page.get_by_role("link", name="Boards").click()
    expect(page.get_by_role("heading", name="Webshop lifecycle 2027")).to_be_visible()
    assert_accessible(page, "first visit: board list")
    shot(page, "4-board-list")
