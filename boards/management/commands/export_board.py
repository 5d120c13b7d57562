"""manage.py export_board <board id> --format json|csv|svg|png|pdf [-o file] [--snapshot id]

The same file the download on the board's page gives (boards.exports.build), for
scripts and backups. An operator's tool: it reads any board, whatever the organisation's
export setting. What the file says (headings, dates) is in the organisation's language and
by its clock, as nobody is there to ask; what the command says to the operator is English.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.exports.build import FORMATS, export_board
from boards.models import Board, Snapshot
from journeymap.locale import organisation_locale


class Command(BaseCommand):
    help = "Export a board (or one of its versions) as JSON, CSV, SVG, PNG or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("board_id", help="The board's id.")
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument(
            "-o",
            "--output",
            help="The file to write; '-' for standard output. Default: the board's title "
            "and revision as the name, in the current directory.",
        )
        parser.add_argument("--snapshot", help="Export this version of the board instead.")

    def handle(self, *args, board_id: str, fmt: str, output: str | None, snapshot: str | None,
               **options) -> None:  # fmt: skip
        board = Board.objects.filter(pk=_uuid(board_id)).first()
        if board is None:
            raise CommandError(f"There is no board {board_id}.")
        version = None
        if snapshot is not None:
            version = Snapshot.objects.filter(board=board, pk=_uuid(snapshot)).first()
            if version is None:
                raise CommandError(f"Board {board_id} has no version {snapshot}.")
        with organisation_locale(board.organisation):
            export = export_board(board, fmt, snapshot=version)
        if output == "-":
            stream = getattr(self.stdout, "buffer", None) or sys.stdout.buffer
            stream.write(export.content)
            stream.flush()
            return
        path = Path(output or export.filename)
        path.write_bytes(export.content)
        self.stdout.write(f"Wrote {path} ({len(export.content):,} bytes).")


def _uuid(value: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise CommandError(f"{value!r} is not an id.") from None
