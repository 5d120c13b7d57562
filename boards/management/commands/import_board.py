"""manage.py import_board <file> --organisation <id> --user <email>

Makes a new board from a board file (docs/exports.md) in an organisation, as the given
member: the same checks and the same refusals as the import page.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.exports.boardfile import ImportRefused, max_bytes
from boards.exports.jsonio import board_import
from journeymap.models import Organisation, User


class Command(BaseCommand):
    help = "Make a new board from a Journeymap board file (.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The board file.")
        parser.add_argument("--organisation", required=True, type=int, help="Organisation id.")
        parser.add_argument(
            "--user", required=True, help="E-mail address of the member who imports it."
        )

    def handle(self, *args, file: str, organisation: int, user: str, **options) -> None:
        found = Organisation.objects.filter(pk=organisation).first()
        if found is None:
            raise CommandError(f"There is no organisation {organisation}.")
        actor = User.objects.filter(email__iexact=user).first()
        if actor is None:
            raise CommandError(f"There is no user {user}.")
        try:
            with Path(file).open("rb") as handle:
                data = handle.read(max_bytes() + 1)  # enough to refuse a file too large
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            board = board_import(organisation=found, data=data, actor=actor)
        except ImportRefused as error:
            raise CommandError(error.message) from None
        except PermissionDenied:
            raise CommandError(
                f"{user} may not create boards in organisation {organisation}."
            ) from None
        self.stdout.write(f"Imported “{board.title}” as board {board.pk}.")
