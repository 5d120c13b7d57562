"""A private writing round in the browser: the facilitator starts it, two participants
write, neither sees the other's new cards (nor does the facilitator) until the
facilitator reveals them all at once; then everyone sees every card."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from journeymap.models import Membership, Role
from tests.browser import pages
from tests.browser.axe import assert_accessible
from tests.conftest import make_user


@pytest.fixture
def second_editor(org):
    user = make_user("Bea Editor", "bea@example.com")
    Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
    return user


def note(page: Page, text: str):
    """A note card on the page by its text, whether private or not."""
    return page.get_by_role("group", name=re.compile(rf"^Note.*: {re.escape(text)}$"))


def private_note(page: Page, text: str):
    return page.get_by_role(
        "group", name=f"Note, private until the facilitator reveals it: {text}", exact=True
    )


def test_participants_see_each_others_cards_only_after_the_reveal(
    open_board, board, members, second_editor, shot
):
    host = open_board(members["facilitator"])
    ana = open_board(members["editor"])
    bea = open_board(second_editor)

    host.get_by_role("button", name="Start a private round").click()
    for page in (ana, bea):
        expect(
            page.get_by_role("status").filter(has_text="only you see your new cards")
        ).to_be_visible()
    expect(host.get_by_role("status").filter(has_text="Private round on")).to_be_visible()
    expect(host.get_by_role("button", name="Start a private round")).to_be_hidden()

    pages.add_card_by_key(ana, "Awareness", "n", "Quiz that finds your size")
    pages.add_card_by_key(bea, "Consideration", "n", "Referral bonus for friends")
    mine = private_note(ana, "Quiz that finds your size")
    expect(mine).to_be_visible()
    expect(mine.get_by_text("Private", exact=True)).to_be_visible()
    expect(private_note(bea, "Referral bonus for friends")).to_be_visible()
    pages.settled(ana)
    pages.settled(bea)
    # Everyone has caught up with the board's revision, and nobody sees anyone's card.
    for page in (host, ana, bea):
        pages.wait_for_rev(page, pages.rev(board))
    expect(note(bea, "Quiz that finds your size")).to_have_count(0)
    expect(note(host, "Quiz that finds your size")).to_have_count(0)
    expect(note(ana, "Referral bonus for friends")).to_have_count(0)
    expect(note(host, "Referral bonus for friends")).to_have_count(0)
    shot(ana, "participant-during-round")
    shot(host, "facilitator-during-round")
    assert_accessible(ana, "editor, a participant during a private round")

    host.get_by_role("button", name="Reveal all cards").click()
    for page in (host, ana, bea):
        expect(pages.card(page, "Quiz that finds your size", kind="Note")).to_be_visible()
        expect(pages.card(page, "Referral bonus for friends", kind="Note")).to_be_visible()
        expect(page.get_by_text("only you see your new cards")).to_be_hidden()
    revealed = pages.card(ana, "Quiz that finds your size", kind="Note")
    expect(revealed.get_by_text("Private", exact=True)).to_be_hidden()
    expect(host.get_by_role("button", name="Start a private round")).to_be_visible()
    shot(bea, "participant-after-reveal")
    assert_accessible(host, "editor, the facilitator after the reveal")
