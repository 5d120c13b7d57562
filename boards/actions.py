"""Writes to boards. Each runs in a transaction; live clients hear of it on commit."""

from __future__ import annotations

import uuid

from django.db import transaction

from boards import live
from boards.frameworks import FRAMEWORKS, PHASE_COLOURS
from boards.models import Board, Phase
from boards.ops import Commit, commit_ops
from boards.protocol import clean_op
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


def board_apply_ops(*, board: Board, actor: User, ops: list[dict]) -> Commit:
    """Apply protocol ops from outside a socket (HTTP, commands) as one revision, so open
    pages see it live like any other edit. Raises ProtocolError or BoardGone."""
    commit = commit_ops(
        board_id=board.pk, user=actor, op_id=str(uuid.uuid4()), ops=[clean_op(op) for op in ops]
    )
    transaction.on_commit(lambda: live.broadcast_patch(board.pk, commit.patch()))
    return commit


def board_rename(*, board: Board, title: str, actor: User) -> Board:
    board_apply_ops(board=board, actor=actor, ops=[{"op": "board.update", "title": title}])
    board.refresh_from_db()
    return board


def board_set_archived(*, board: Board, archived: bool) -> Board:
    board.archived = archived
    board.save(update_fields=["archived"])
    return board


def board_delete(*, board: Board) -> None:
    board_id = board.pk
    with transaction.atomic():
        board.delete()
        transaction.on_commit(lambda: live.board_deleted(board_id))
