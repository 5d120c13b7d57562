"""Keep a version of every board whose last session has ended (boards/snapshots.py).

Opening a board does this too; run this from cron (every half hour, say) so boards that
nobody opens again after a workshop get theirs as well. Each version is named in its
organisation's language and by its clock (boards.snapshots, journeymap.locale)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from boards.models import Board
from boards.snapshots import snapshot_after_session


class Command(BaseCommand):
    help = "Save an automatic version of each board that changed and has been quiet since."

    def handle(self, *args, **options) -> None:
        cutoff = timezone.now() - timedelta(seconds=settings.SNAPSHOT_SESSION_IDLE)
        made = 0
        for board_id in Board.objects.filter(rev__gt=0, updated__lte=cutoff).values_list(
            "pk", flat=True
        ):
            if snapshot_after_session(board_id=board_id) is not None:
                made += 1
        self.stdout.write(f"{made} version(s) saved.")
