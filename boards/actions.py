"""Writes to boards. Each runs in a transaction; live clients hear of it on commit."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from boards.frameworks import FRAMEWORKS, PHASE_COLOURS
from boards.models import Board, Phase
from journeymap.models import Organisation, User


def board_create(
    *, organisation: Organisation, title: str, framework: str, created_by: User
) -> Board:
    board = Board(
        organisation=organisation,
        title=title.strip(),
        framework=framework,
        created_by=created_by,
        updated_by=created_by,
    )
    board.full_clean()
    with transaction.atomic():
        board.save()
        Phase.objects.bulk_create(
            Phase(
                board=board,
                position=index,
                name=str(name),
                colour=PHASE_COLOURS[index % len(PHASE_COLOURS)],
            )
            for index, name in enumerate(FRAMEWORKS[framework].phases)
        )
    return board


def board_rename(*, board: Board, title: str, actor: User) -> Board:
    board.title = title.strip()
    board.updated = timezone.now()
    board.updated_by = actor
    board.full_clean()
    board.save(update_fields=["title", "updated", "updated_by"])
    return board


def board_set_archived(*, board: Board, archived: bool) -> Board:
    board.archived = archived
    board.save(update_fields=["archived"])
    return board


def board_delete(*, board: Board) -> None:
    board.delete()
