"""Printing: the editor, the outline and the gap and strategy panels print their content
and none of their controls (static/css/print.css); the outline puts each phase on a
page of its own. Chromium's own PDF of the outline is turned into pictures to look at."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.axe import assert_accessible
from tests.browser.conftest import SCREENSHOTS
from tests.browser.pages import card


def test_the_editor_prints_the_board_without_its_controls(open_board, members, shot):
    page = open_board(members["owner"])
    page.emulate_media(media="print")
    for name in ("Board tools", "Zoom"):
        expect(page.get_by_role("toolbar", name=name)).to_be_hidden()
    expect(page.get_by_role("button", name="Archive")).to_be_hidden()
    expect(page.get_by_role("link", name="Outline view")).to_be_visible()  # text, not a control
    expect(page.get_by_role("tablist", name="Side panel")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(card(page, "Instagram ad")).to_be_visible()
    expect(page.get_by_role("heading", name="Webshop lifecycle")).to_be_visible()
    expect(page.locator("#side-panel")).to_be_visible()
    assert_accessible(page, "the editor, as printed")
    shot(page, "editor")


def test_the_outline_prints_one_phase_a_page(open_board, live, board, members, tmp_path: Path):
    page = open_board(members["editor"])
    page.goto(live.url + reverse("board_outline", args=[board.id]))
    expect(page.get_by_role("heading", name="Awareness")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.get_by_role("button")).to_have_count(0)  # none visible to print
    expect(page.get_by_role("link", name="Canvas view")).to_be_hidden()
    expect(page.get_by_text("Instagram ad", exact=True)).to_be_visible()
    assert_accessible(page, "the outline, as printed")

    pdf = tmp_path / "outline.pdf"
    page.pdf(path=str(pdf), format="A4")
    # A page for each phase, then the arrows ("How customers move").
    assert len(PdfReader(pdf).pages) == board.phases.count() + 1
    first = PdfReader(pdf).pages[0].extract_text()
    assert "Awareness" in first
    assert "Consideration" not in first
    assert "Log out" not in first
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-l", "2", str(pdf), str(SCREENSHOTS / "print-outline")],
        check=True,
    )


def test_the_gap_and_strategy_panels_print_as_documents(open_board, live, board, members, shot):
    page = open_board(members["editor"])
    page.emulate_media(media="print")
    for url, region in (("panel_gaps", "Gap analysis"), ("panel_strategy", "Strategy")):
        page.goto(live.url + reverse(url, args=[board.id]))
        expect(page.get_by_role("region", name=region)).to_be_visible()
        expect(page.get_by_role("button")).to_have_count(0)
        expect(page.get_by_role("link", name="Back to Webshop lifecycle")).to_be_hidden()
        assert_accessible(page, f"the {region} panel, as printed")
        shot(page, region.lower().replace(" ", "-"))
