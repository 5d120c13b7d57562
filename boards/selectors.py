"""Reads of boards: what the pages, the live protocol and the exports show."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from boards.models import Arrow, Board, Card, Phase, arrow_direction
from journeymap.models import Organisation


def boards_for_organisation(organisation: Organisation, *, archived: bool = False) -> QuerySet:
    return (
        Board.objects.filter(organisation=organisation, archived=archived)
        .select_related("updated_by", "created_by")
        .annotate(card_count=Count("cards", filter=Q(cards__deleted=False), distinct=True))
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("position")))
        .order_by("-updated")
    )


def board_phases(board: Board) -> list[Phase]:
    return list(board.phases.order_by("position", "id"))


def board_cards(board: Board) -> list[Card]:
    return list(
        Card.objects.filter(board=board, deleted=False)
        .select_related("author")
        .order_by("y", "x", "id")
    )


def board_arrows(board: Board) -> list[Arrow]:
    return list(
        Arrow.objects.filter(board=board, deleted=False).select_related(
            "from_card__phase", "to_card__phase"
        )
    )


def board_columns(board: Board) -> list[dict]:
    """The board as phase columns for the read-only page and the outline: each phase with
    its cards, and cards standing outside every phase last."""
    phases = board_phases(board)
    by_phase: dict = {phase.id: [] for phase in phases}
    loose: list[Card] = []
    for card in board_cards(board):
        by_phase.get(card.phase_id, loose).append(card)
    columns = [{"phase": phase, "cards": by_phase[phase.id]} for phase in phases]
    if loose:
        columns.append({"phase": None, "cards": loose})
    return columns


def arrow_directions(arrows: list[Arrow]) -> dict:
    return {
        arrow.id: arrow_direction(
            arrow.from_card.phase.position if arrow.from_card.phase else None,
            arrow.to_card.phase.position if arrow.to_card.phase else None,
        )
        for arrow in arrows
    }
