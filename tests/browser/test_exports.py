"""Exports from the board's menu, the way a facilitator closes a workshop: a PDF with
the gap analysis and a CSV for spreadsheets, downloaded while the board stays live."""

from __future__ import annotations

import subprocess
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import SCREENSHOTS


def test_a_viewer_downloads_the_board_as_pdf_and_csv(open_board, members, tmp_path: Path):
    victor = open_board(members["viewer"])

    victor.get_by_text("Export", exact=True).click()
    expect(victor.get_by_role("link", name="PNG image")).to_be_visible()
    assert_accessible(victor, "exports: the export menu open")
    with victor.expect_download() as pdf_download:
        victor.get_by_role("link", name="PDF, with the gap analysis").click()
    pdf = tmp_path / "board.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf_download.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    SCREENSHOTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(SCREENSHOTS / "export-menu-pdf")],
        check=True,
    )
    assert sorted(SCREENSHOTS.glob("export-menu-pdf-*.png"))

    victor.get_by_text("Export", exact=True).click()
    with victor.expect_download() as csv_download:
        victor.get_by_role("link", name="CSV, one row per card").click()
    rows = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Instagram ad" in rows
    assert "Welcome e-mail" in rows
    expect(victor.get_by_role("status", name="Connection status")).to_have_text("Connected")
