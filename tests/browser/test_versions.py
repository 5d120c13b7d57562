"""Versions in the browser: save one, change the board in another page, compare, restore,
and the other page follows the restore live."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import expect

from boards.models import Snapshot
from tests.browser.axe import assert_accessible
from tests.browser.pages import add_card_by_key, card, settled


def test_a_restored_version_reaches_the_other_page_live(open_board, live, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    olivia.get_by_role("link", name="Versions").click()
    olivia.get_by_label("Name of this version").fill("Kick-off")
    olivia.get_by_role("button", name="Save this version").click()
    row = olivia.get_by_role("row", name="Kick-off")
    expect(row).to_contain_text("Olivia Owner")
    expect(row.get_by_role("cell").nth(3)).to_have_text("2")  # cards
    assert_accessible(olivia, "versions: the list")

    add_card_by_key(eddie, "Purchase", "t", "Podcast ad")
    card(eddie, "Instagram ad").click()
    eddie.keyboard.press("Delete")
    expect(card(eddie, "Instagram ad")).to_have_count(0)
    settled(eddie)

    olivia.get_by_role("link", name="Kick-off").click()
    compare = olivia.get_by_role("region", name="Compared with the board now")
    expect(compare).to_contain_text("Added since")
    expect(compare).to_contain_text("Podcast ad")
    expect(compare).to_contain_text("Removed since")
    expect(compare).to_contain_text("Instagram ad")
    assert_accessible(olivia, "versions: compare")
    shot(olivia, "1-compare")

    olivia.once("dialog", lambda dialog: dialog.accept())
    olivia.get_by_role("button", name="Restore this version").click()
    expect(olivia.get_by_text("“Kick-off” is the board again")).to_be_visible()

    # Eddie did not reload: the restore arrives over the live connection.
    expect(card(eddie, "Instagram ad")).to_be_visible()
    expect(card(eddie, "Podcast ad")).to_have_count(0)
    expect(eddie.get_by_role("status", name="Connection status")).to_have_text("Connected")
    assert_accessible(eddie, "versions: restored")
    shot(eddie, "2-restored")

    olivia.goto(live.url + reverse("board_versions", args=[board.id]))
    expect(olivia.get_by_role("row", name="Before restoring “Kick-off”")).to_be_visible()
    assert Snapshot.objects.filter(board=board).count() >= 2
