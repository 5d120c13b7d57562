"""Exports of a board (boards/exports/): JSON, CSV, SVG, PNG and PDF, of the live board and
of a version, through the download view and the management commands.

The picture tests save what they render under tests/browser/screenshots/ (not kept in
git), so that a person can look at the PNG and the PDF's pages after a run.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from boards.actions import board_apply_ops
from boards.exports import raster, report, svg
from boards.exports.build import export_board, export_filename
from boards.exports.csvio import safe_cell
from boards.exports.jsonio import board_import
from boards.gaps import gaps_from_state, strategy_from_state
from boards.models import Board, Snapshot
from boards.selectors import board_gaps, board_state
from tests.boardfiles import ARABIC, EMOJI, HEBREW, HOSTILE, NORDIC, make_full_board, without_ids

SVG_NS = "{http://www.w3.org/2000/svg}"
SCREENSHOTS = Path(__file__).parent / "browser" / "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def full(org, members):
    return make_full_board(org, members)


def _json(board: Board, **kwargs) -> dict:
    return json.loads(export_board(board, "json", **kwargs).content)


def _card_texts(document: str) -> dict[str, str]:
    """card id -> the words of its text as the SVG draws them (lines joined)."""
    root = ET.fromstring(document.encode())
    texts = {}
    for group in root.iter(f"{SVG_NS}g"):
        if (group.get("id") or "").startswith("card-"):
            lines = [t.text or "" for t in group.iter(f"{SVG_NS}text") if t.get("class") == "text"]
            texts[group.get("id").removeprefix("card-")] = " ".join(lines)
    return texts


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# JSON


def test_it_exports_the_board_file_in_the_documented_format(full):
    board, ids = full

    document = _json(board)

    assert document["format"] == "journeymap-board"
    assert document["version"] == 1
    assert document["exported"].endswith("Z")
    assert document["board"] == {
        "id": str(board.id),
        "title": "Webshop lifecycle åäö",
        "framework": "clm4",
        "stage": "strategy",
    }
    assert [p["position"] for p in document["phases"]] == [0, 1, 2, 3]
    assert document["phases"][0]["kpis"][0] == {
        "name": "Website traffic",
        "value": 12000,
        "target": 20000,
        "unit": "visits",
        "readings": [],
    }
    state = board_state(board)
    assert [c["id"] for c in document["cards"]] == [c["id"] for c in state["cards"]]
    reminder = next(c for c in document["cards"] if c["id"] == ids["reminder"])
    assert reminder["owner"] == {"email": "editor@example.com", "name": "Editor Person"}
    assert reminder["author"] == {"email": "olivia.owner@example.com", "name": "Olivia Owner"}
    assert reminder["priority"] == "high"
    assert reminder["kpi"] == "Cart abandonment rate"
    assert {a["id"] for a in document["arrows"]} == {a["id"] for a in state["arrows"]}
    assert {(k["from"], k["to"]) for k in document["links"]} == {
        (ids["welcome"], ids["instagram"]),
        (ids["retarget"], ids["hebrew"]),
        (ids["reminder"], ids["checkout"]),
    }


def test_it_imports_an_export_into_a_board_equal_in_content(full, members):
    board, _ids = full
    first = _json(board)

    copy = board_import(
        organisation=board.organisation,
        data=json.dumps(first).encode(),
        actor=members["editor"],
    )
    second = _json(copy)

    assert copy.pk != board.pk
    assert without_ids(second) == without_ids(first)
    assert {c["id"] for c in second["cards"]}.isdisjoint({c["id"] for c in first["cards"]})
    assert {p["id"] for p in second["phases"]}.isdisjoint({p["id"] for p in first["phases"]})
    assert copy.created_by == members["editor"]


def test_it_names_no_one_who_is_not_a_member_of_the_organisation_imported_into(full, outsider):
    board, _ids = full
    other = outsider.memberships.get().organisation

    copy = board_import(
        organisation=other, data=export_board(board, "json").content, actor=outsider
    )

    document = _json(copy)
    importer = {"email": outsider.email, "name": outsider.name}
    assert all(card["owner"] is None for card in document["cards"])
    assert all(card["author"] == importer for card in document["cards"])
    assert without_ids(document)["cards"] == [
        {**card, "owner": None, "author": importer} for card in without_ids(_json(board))["cards"]
    ]


# CSV


def test_it_exports_one_csv_row_per_card_for_a_spreadsheet(full):
    board, _ids = full

    content = export_board(board, "csv").content

    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Phase",
        "Kind",
        "Text",
        "Channel",
        "Linked touchpoints",
        "Priority",
        "KPI",
        "Owner",
        "Status",
        "Due date",
        "Author",
        "Gaps",
    ]
    gap_rows = [row for row in rows[1:] if row[1] == "Gap"]
    assert len(rows) == 1 + len(board_state(board)["cards"]) + len(gap_rows)
    # The file holds the whole gap list: per card in its last column, the rest as rows.
    gaps = board_gaps(board)["gaps"]
    assert [row[2] for row in gap_rows] == [g["message"] for g in gaps if "card" not in g]
    by_text = {row[2]: row for row in rows[1:] if row[1] != "Gap"}
    reminder = by_text["Cart reminder after 1 hour"]
    assert reminder == [
        "Purchase",
        "Opportunity",
        "Cart reminder after 1 hour",
        "E-mail automation",
        "Checkout page",
        "High",
        "Cart abandonment rate",
        "Editor Person",
        "Planned",
        "2026-06-30",
        "Olivia Owner",
        "",
    ]
    assert by_text["Ask analytics\nfor real numbers"][0] == "Consideration"
    assert by_text["Parking lot: outside the line"][0] == "Outside the line"
    assert by_text[f"Instagram ad {HOSTILE}"][1] == "Touchpoint"
    # Phases in the order of the line, cards outside it last.
    assert [row[0] for row in rows[1:] if row[1] != "Gap"][-1] == "Outside the line"


def test_it_keeps_spreadsheets_from_running_card_text_as_formulas(full):
    board, _ids = full

    rows = list(csv.reader(io.StringIO(export_board(board, "csv").content.decode("utf-8-sig"))))

    texts = [row[2] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in texts
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+31 20 123", "'+31 20 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Plain", "Plain"),
        ("a=b", "a=b"),
    ],
)
def test_it_prefixes_cells_a_spreadsheet_would_read_as_formulas(value, shown):
    assert safe_cell(value) == shown


# SVG


def test_it_draws_every_card_text_escaped_in_well_formed_svg(full):
    board, _ids = full

    document = export_board(board, "svg").content.decode()

    texts = _card_texts(document)  # parses: the SVG is well-formed XML
    state = board_state(board)
    assert set(texts) == {card["id"] for card in state["cards"]}
    for card in state["cards"]:
        # Lines break between words, and inside a word too long for the card.
        assert "".join(texts[card["id"]].split()) == "".join(card["text"].split())
    assert "<script" not in document
    assert "&lt;script&gt;" in document
    root = ET.fromstring(document.encode())
    assert not list(root.iter(f"{SVG_NS}script"))
    assert root.find(f"{SVG_NS}title").text == "Webshop lifecycle åäö"
    for value in (NORDIC, EMOJI, ARABIC, HEBREW):
        assert any(value in text for text in texts.values())


def test_it_marks_right_to_left_text_for_the_reader(full):
    board, _ids = full
    root = ET.fromstring(export_board(board, "svg").content)

    lines = {
        t.text: t
        for t in root.iter(f"{SVG_NS}text")
        if t.get("class") == "text" and t.text in (HEBREW, ARABIC)
    }

    assert set(lines) == {HEBREW, ARABIC}
    for line in lines.values():
        assert line.get("direction") == "rtl"
        assert line.get("unicode-bidi") == "embed"


def test_it_marks_each_touchpoint_with_no_activity_behind_it(full):
    board, ids = full
    state = board_state(board)
    gaps = gaps_from_state(state)

    document = svg.render_svg(state, gaps=gaps, title_line="T", when=datetime.now(UTC))

    marks = [g for g in ET.fromstring(document).iter(f"{SVG_NS}g") if g.get("class") == "gap-mark"]
    assert len(marks) == len(gaps["uncovered_ids"]) == 3  # and none on the covered ones
    assert all(m.find(f"{SVG_NS}text").text == "No activity" for m in marks)
    assert ids["instagram"] not in gaps["uncovered_ids"]
    assert "50% covered" in document  # the first phase: 1 of 2 touchpoints


def test_it_draws_the_directions_of_arrows_as_the_editor_does(full):
    board, _ids = full

    document = export_board(board, "svg").content.decode()

    assert 'stroke="#2563eb"' in document  # forward
    # Each kind with the editor's own pattern (editor.css), so grey-scale prints tell
    # them apart: a fall back long dashes, within a phase short square dashes, and links
    # round dots (before, within-phase dashes with round caps looked like link dots).
    assert 'stroke="#dc2626" stroke-width="2.5" stroke-linecap="butt" stroke-dasharray="10 6"' in (
        document
    )  # backward
    assert 'stroke="#64748b" stroke-width="2.5" stroke-linecap="butt" stroke-dasharray="4 5"' in (
        document
    )  # within a phase
    assert (
        'stroke="#059669" stroke-width="2.5" stroke-linecap="round" stroke-dasharray="0.5 6"'
        in (document)
    )  # links
    assert "40% · 1,200" in document
    assert "comparison · 80.5" in document


def test_it_draws_a_return_or_a_reactivation_as_a_violet_loop_as_the_editor_does(full, members):
    board, ids = full
    state = board_state(board)
    back = next(a for a in state["arrows"] if a["from"] == ids["checkout"])
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[{"op": "arrow.update", "id": back["id"], "movement": "reactivated"}],
    )

    document = export_board(board, "svg").content.decode()

    loop = 'stroke="#7c3aed" stroke-width="2.5" stroke-linecap="butt" stroke-dasharray="12 5 2 5"'
    assert document.count(loop) == 2  # the arrow, and its sample in the legend
    assert "Back to buy again or reactivated" in document  # the editor's legend words
    fall_back = 'stroke="#dc2626" stroke-width="2.5" stroke-linecap="butt" stroke-dasharray="10 6"'
    assert document.count(fall_back) == 1  # only the legend's: no arrow falls back now


def test_it_cuts_long_text_with_an_ellipsis_at_the_card_edge(board, members):
    card_id = str(uuid.uuid4())
    word = "Supercalifragilisticexpialidocious" * 4
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[
            {
                "op": "card.create",
                "id": card_id,
                "kind": "note",
                "w": 160,
                "h": 100,
                "text": f"{word} " + "many words " * 150,
            }
        ],
    )

    texts = _card_texts(export_board(board, "svg").content.decode())

    shown = texts[card_id]
    assert shown.endswith("…")
    assert shown.startswith("Supercalifragilistic")
    assert len(shown) < 200


# PNG and PDF


def test_it_renders_a_png_of_the_board(full):
    board, _ids = full

    content = export_board(board, "png").content

    width, height = _png_size(content)
    document = export_board(board, "svg").content.decode()
    svg_width, svg_height = raster.svg_size(document)
    assert (width, height) == (round(svg_width * 2), round(svg_height * 2))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "export-board.png").write_bytes(content)


def test_it_draws_a_huge_board_smaller_rather_than_beyond_what_opens():
    assert raster.png_scale(1000, 800) == 2.0
    assert raster.png_scale(20_000, 20_000) * 20_000 <= raster.PNG_MAX_SIDE
    scale = raster.png_scale(4_000, 18_000)
    assert (4_000 * scale) * (18_000 * scale) <= raster.PNG_MAX_PIXELS * 1.0001


def test_it_renders_a_pdf_of_the_board_and_its_gap_analysis(full, tmp_path):
    board, _ids = full

    content = export_board(board, "pdf").content

    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    assert reader.metadata.title == "Webshop lifecycle åäö"
    report_text = " ".join(page.extract_text() for page in reader.pages[1:])
    for expected in (
        "Gap analysis",
        "Channels",
        "KPIs per phase",
        "Strategy",
        "Cart reminder after 1 hour",
        "Owner: Editor Person",
        "Planned · Due 2026-06-30",
        "Customers fall back from",
        "KPIs over time",
        "Target 55 %",
    ):
        assert expected in report_text
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed to look at PDFs"
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SCREENSHOTS / "export-pdf"
    for old in SCREENSHOTS.glob("export-pdf-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = sorted(SCREENSHOTS.glob("export-pdf-*.png"))
    assert len(pages) == 2
    for page in pages:
        assert _png_size(page.read_bytes())[0] > 100


def test_it_continues_a_long_gap_analysis_on_further_pages(board, members):
    phase = str(board.phases.order_by("position").first().id)
    ops = [
        {
            "op": "card.create",
            "id": str(uuid.uuid4()),
            "kind": "touchpoint",
            "phase": phase,
            "y": 130 * n,
            "text": f"Touchpoint number {n} with no activity behind it yet",
        }
        for n in range(120)
    ]
    board_apply_ops(board=board, actor=members["owner"], ops=ops)
    state = board_state(board)

    pages = report.render_report_pages(
        gaps=gaps_from_state(state),
        strategy=strategy_from_state(state),
        names={},
        title_line="Long",
        when=datetime.now(UTC),
    )

    assert len(pages) >= 3
    shown = []
    for page in pages:
        root = ET.fromstring(page.encode())
        shown += [t.text for t in root.iter(f"{SVG_NS}text")]
        assert any(text and text.startswith("Page ") for text in [t.text for t in root.iter()])
    for n in range(120):
        assert any(f"Touchpoint number {n} with" in (text or "") for text in shown)


# Versions


def test_it_exports_a_version_as_it_was_when_saved(full, members):
    board, ids = full
    snapshot = Snapshot.objects.create(
        board=board,
        name="Before the workshop",
        rev=board.rev,
        epoch=board.epoch,
        created_by=members["owner"],
        state=board_state(board),
    )
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[{"op": "card.update", "id": ids["checkout"], "text": "One-page checkout"}],
    )
    board.refresh_from_db()

    old_json = _json(board, snapshot=snapshot)
    old_svg = export_board(board, "svg", snapshot=snapshot).content.decode()
    old_csv = export_board(board, "csv", snapshot=snapshot).content.decode("utf-8-sig")
    live_svg = export_board(board, "svg").content.decode()

    texts = [c["text"] for c in old_json["cards"]]
    assert "Checkout page" in texts
    assert "One-page checkout" not in texts
    assert "Checkout page" in _card_texts(old_svg).values()
    assert "Before the workshop" in old_svg
    assert "Checkout page" in old_csv
    assert "One-page checkout" not in old_csv
    assert "One-page checkout" in _card_texts(live_svg).values()
    assert export_filename(snapshot.state, "svg").endswith(f"-r{snapshot.rev}.svg")


def test_it_exports_a_version_frozen_before_newer_card_fields(board, members):
    state = board_state(board)
    for card in state["cards"]:
        for name in ("priority", "owner", "kpi"):
            card.pop(name)
    state.pop("links")
    snapshot = Snapshot.objects.create(
        board=board, name="Old", rev=0, epoch=1, created_by=members["owner"], state=state
    )

    for fmt in ("json", "csv", "svg"):
        assert export_board(board, fmt, snapshot=snapshot).content


# The download view


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf", "json", "csv"])
def test_it_lets_a_viewer_download_every_format(fmt, full, client_for):
    board, _ids = full

    response = client_for("viewer").get(reverse("board_export", args=[board.id, fmt]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}.get(
            fmt, {"json": "application/json", "csv": "text/csv"}.get(fmt)
        )
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"webshop-lifecycle-åäö-r{board.rev}.{fmt}" in disposition or (
        "filename*=utf-8''webshop-lifecycle-%C3%A5%C3%A4%C3%B6" in disposition
    )
    assert response["Cache-Control"] == "no-store"


def test_it_downloads_a_version_of_the_board(full, members, client_for):
    board, _ids = full
    snapshot = Snapshot.objects.create(
        board=board,
        name="Kick-off",
        rev=board.rev,
        epoch=board.epoch,
        created_by=members["owner"],
        state=board_state(board),
    )

    response = client_for("viewer").get(
        reverse("board_export", args=[board.id, "svg"]), {"snapshot": str(snapshot.id)}
    )

    assert response.status_code == 200
    assert "Kick-off" in response.content.decode()


def test_it_answers_404_for_a_version_of_another_board(full, board, members, client_for):
    other, _ids = full
    snapshot = Snapshot.objects.create(
        board=other,
        name="Theirs",
        rev=other.rev,
        epoch=other.epoch,
        created_by=members["owner"],
        state=board_state(other),
    )
    client = client_for("owner")
    url = reverse("board_export", args=[board.id, "json"])

    assert client.get(url, {"snapshot": str(snapshot.id)}).status_code == 404
    assert client.get(url, {"snapshot": "not-an-id"}).status_code == 404
    assert client.get(url, {"snapshot": str(uuid.uuid4())}).status_code == 404


def test_it_answers_an_outsider_404_and_an_unknown_format_404(board, client_for):
    assert (
        client_for("outsider").get(reverse("board_export", args=[board.id, "pdf"])).status_code
        == 404
    )
    assert (
        client_for("owner").get(reverse("board_export", args=[board.id, "docx"])).status_code == 404
    )


@pytest.mark.parametrize("who", ["owner", "admin", "editor", "viewer"])
def test_it_refuses_exports_to_everyone_when_the_organisation_turned_them_off(
    who, org, board, client_for
):
    org.allow_exports = False
    org.save(update_fields=["allow_exports"])
    client = client_for(who)

    download = client.get(reverse("board_export", args=[board.id, "json"]))
    upload_page = client.get(reverse("board_import", args=[org.id]))

    assert download.status_code == 403
    assert upload_page.status_code == 403


# Management commands


def test_it_exports_and_imports_from_the_command_line(full, members, tmp_path):
    board, _ids = full
    target = tmp_path / "board.json"

    call_command(
        "export_board", str(board.id), "--format", "json", "-o", str(target), stdout=io.StringIO()
    )
    out = io.StringIO()
    call_command(
        "import_board",
        str(target),
        "--organisation",
        str(board.organisation_id),
        "--user",
        "EDITOR@example.com",
        stdout=out,
    )

    copy = Board.objects.exclude(pk=board.pk).get(organisation=board.organisation)
    assert str(copy.pk) in out.getvalue()
    assert without_ids(_json(copy)) == without_ids(json.loads(target.read_bytes()))


@pytest.mark.parametrize("fmt", ["csv", "svg", "png", "pdf"])
def test_it_writes_every_format_from_the_command_line(fmt, full, tmp_path):
    board, _ids = full
    target = tmp_path / f"out.{fmt}"

    call_command(
        "export_board", str(board.id), "--format", fmt, "-o", str(target), stdout=io.StringIO()
    )

    assert target.stat().st_size > 100
    if fmt == "csv":
        assert target.read_bytes() == export_board(board, fmt).content


def test_it_exports_a_version_from_the_command_line(full, members, tmp_path):
    board, _ids = full
    snapshot = Snapshot.objects.create(
        board=board,
        name="v1",
        rev=board.rev,
        epoch=board.epoch,
        created_by=members["owner"],
        state=board_state(board),
    )
    target = tmp_path / "v1.json"

    call_command(
        "export_board",
        str(board.id),
        "--format",
        "json",
        "--snapshot",
        str(snapshot.id),
        "-o",
        str(target),
        stdout=io.StringIO(),
    )

    assert json.loads(target.read_bytes())["board"]["title"] == board.title


def test_it_tells_the_command_line_what_is_wrong(board, members, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "trello"}')

    with pytest.raises(CommandError, match="no board"):
        call_command("export_board", str(uuid.uuid4()), "--format", "json")
    with pytest.raises(CommandError, match="not an id"):
        call_command("export_board", "nope", "--format", "json")
    with pytest.raises(CommandError, match="no version"):
        call_command(
            "export_board", str(board.id), "--format", "json", "--snapshot", str(uuid.uuid4())
        )
    with pytest.raises(CommandError, match="not a Journeymap board file"):
        call_command(
            "import_board",
            str(bad),
            "--organisation",
            str(board.organisation_id),
            "--user",
            members["owner"].email,
        )
    with pytest.raises(CommandError, match="may not create boards"):
        call_command(
            "import_board",
            str(bad),
            "--organisation",
            str(board.organisation_id),
            "--user",
            "viewer@example.com",
        )
    assert Board.objects.count() == 1
