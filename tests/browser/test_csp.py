"""Under the Content-Security-Policy the pages still work: nothing is refused, the
colours that come from the data are painted, and forms that ask first still ask."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from journeymap.models import Membership, Role
from tests.browser import pages


def _refusals(page: Page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_the_board_and_the_members_page_run_under_the_policy(open_board, live, members, org):
    olivia = open_board(members["owner"])
    refused = _refusals(olivia)
    olivia.reload()
    expect(pages.status(olivia)).to_have_text("Connected")
    header = pages.phase(olivia, "Awareness").locator(".phase-header")
    expect(header).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")

    olivia.goto(live.url + reverse("board_list", args=[org.id]))
    tile_phase = olivia.locator(".tile-phases span").first
    expect(tile_phase).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")

    olivia.goto(live.url + reverse("member_list", args=[org.id]))
    editor = Membership.objects.get(organisation=org, user=members["editor"])
    # A role list saves as soon as a role is picked.
    olivia.get_by_label("Role of Editor Person").select_option(label="Viewer")
    expect(olivia.get_by_text("Editor Person now has the role Viewer.")).to_be_visible()
    editor.refresh_from_db()
    assert editor.role == Role.VIEWER
    # Removing asks first; saying no changes nothing. (The page after the role change must
    # have run its scripts, static/js/page/confirm.js among them, before the click.)
    olivia.wait_for_load_state("load")
    olivia.once("dialog", lambda dialog: dialog.dismiss())
    olivia.get_by_role("button", name="Remove Editor Person").click()
    expect(olivia.get_by_role("button", name="Remove Editor Person")).to_be_visible()
    assert Membership.objects.filter(pk=editor.pk).exists()
    olivia.once("dialog", lambda dialog: dialog.accept())
    olivia.get_by_role("button", name="Remove Editor Person").click()
    expect(olivia.get_by_text("Editor Person was removed from the organisation.")).to_be_visible()

    assert refused == []
