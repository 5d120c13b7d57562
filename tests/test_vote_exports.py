"""Dot votes in the exports (docs/exports.md, "Votes"): the JSON file, the CSV and the PDF
report carry every vote whose results the room has seen, and nothing of a hidden one."""

from __future__ import annotations

import csv
import io
import json
import subprocess

from django.utils import timezone
from pypdf import PdfReader

from boards.exports.build import export_board
from boards.exports.jsonio import board_import
from boards.models import Card
from boards.workshop import vote_rules as rules
from tests.test_exports import SCREENSHOTS


def _vote(board, members, *, anonymous=True, reveal=True):
    rules.open_vote(
        board,
        members["facilitator"],
        timezone.now(),
        {"scope": "all", "votes": 3, "title": "Where do we start?", "anonymous": anonymous},
    )
    cards = {c.text: str(c.pk) for c in Card.objects.filter(board=board)}
    for _ in range(2):
        rules.cast(board, members["editor"], {"card": cards["Welcome e-mail"]})
    rules.cast(board, members["owner"], {"card": cards["Instagram ad"]})
    if reveal:
        rules.close(board, timezone.now())
    return cards


def test_the_board_file_carries_revealed_votes_and_an_import_ignores_them(board, members):
    cards = _vote(board, members, anonymous=False)
    document = json.loads(export_board(board, "json").content)
    [vote] = document["votes"]
    assert (vote["title"], vote["status"], vote["voters"], vote["anonymous"]) == (
        "Where do we start?",
        "closed",
        2,
        False,
    )
    assert vote["results"] == [
        {
            "card": cards["Welcome e-mail"],
            "count": 2,
            "rank": 1,
            "text": "Welcome e-mail",
            "by": ["Editor Person"],
        },
        {
            "card": cards["Instagram ad"],
            "count": 1,
            "rank": 2,
            "text": "Instagram ad",
            "by": ["Olivia Owner"],
        },
    ]
    copy = board_import(
        organisation=board.organisation, data=json.dumps(document), actor=members["owner"]
    )
    assert not copy.votes.exists()


def test_a_hidden_vote_is_in_no_export(board, members):
    _vote(board, members, reveal=False)
    assert json.loads(export_board(board, "json").content)["votes"] == []
    header = next(csv.reader(io.StringIO(export_board(board, "csv").content.decode("utf-8-sig"))))
    assert "Votes" not in header


def test_the_csv_has_each_cards_votes_in_the_latest_vote(board, members):
    _vote(board, members)
    rows = list(csv.reader(io.StringIO(export_board(board, "csv").content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Votes"
    votes = {row[2]: row[-1] for row in rows[1:] if row[1] != "Gap"}
    assert votes == {"Instagram ad": "1", "Welcome e-mail": "2"}


def test_the_pdf_report_ranks_the_cards_of_each_vote(board, members, tmp_path):
    _vote(board, members)
    content = export_board(board, "pdf").content
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages[1:])
    for expected in ("Dot votes", "Where do we start?", "2 people voted", "3 votes each"):
        assert expected in text
    assert text.index("Welcome e-mail", text.index("Dot votes")) < text.index(
        "Instagram ad", text.index("Dot votes")
    )
    pdf = tmp_path / "votes.pdf"
    pdf.write_bytes(content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    last = len(reader.pages)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(last),
            "-l",
            str(last),
            str(pdf),
            str(SCREENSHOTS / "export-votes"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
