"""Reads of boards: what the pages, the live protocol and the exports show."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from boards.models import Arrow, Board, Card, OpLog, Phase, arrow_direction
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


def card_state(card: Card) -> dict:
    return {
        "id": str(card.id),
        "kind": card.kind,
        "phase": str(card.phase_id) if card.phase_id else None,
        "x": card.x,
        "y": card.y,
        "w": card.w,
        "h": card.h,
        "text": card.text,
        "colour": card.colour,
        "channel": card.channel,
        "author": card.author_id,
    }


def arrow_state(arrow: Arrow) -> dict:
    return {
        "id": str(arrow.id),
        "from": str(arrow.from_card_id),
        "to": str(arrow.to_card_id),
        "label": arrow.label,
        "weight": arrow.weight,
    }


def board_state(board: Board) -> dict:
    """The whole live board as the protocol's `snapshot` carries it (docs/protocol.md)."""
    phases = (
        Phase.objects.filter(board=board)
        .order_by("position", "id")
        .values("id", "position", "name", "colour", "kpis")
    )
    cards = (
        Card.objects.filter(board=board, deleted=False)
        .order_by("created", "id")
        .values_list(
            "id", "kind", "phase_id", "x", "y", "w", "h", "text", "colour", "channel", "author_id"
        )
    )
    arrows = (
        Arrow.objects.filter(board=board, deleted=False)
        .order_by("created", "id")
        .values_list("id", "from_card_id", "to_card_id", "label", "weight")
    )
    return {
        "board": {
            "id": str(board.id),
            "title": board.title,
            "framework": board.framework,
            "rev": board.rev,
            "epoch": board.epoch,
        },
        "phases": [{**p, "id": str(p["id"])} for p in phases],
        "cards": [
            {
                "id": str(c[0]),
                "kind": c[1],
                "phase": str(c[2]) if c[2] else None,
                "x": c[3],
                "y": c[4],
                "w": c[5],
                "h": c[6],
                "text": c[7],
                "colour": c[8],
                "channel": c[9],
                "author": c[10],
            }
            for c in cards
        ],
        "arrows": [
            {"id": str(a[0]), "from": str(a[1]), "to": str(a[2]), "label": a[3], "weight": a[4]}
            for a in arrows
        ],
    }


def patches_since(board: Board, rev: int) -> list[dict] | None:
    """The committed batches after `rev`, oldest first; None when the log no longer
    reaches back that far (the client then needs a snapshot)."""
    if rev >= board.rev:
        return []
    entries = list(
        OpLog.objects.filter(board=board, rev__gt=rev)
        .order_by("rev")
        .values_list("rev", "op_id", "user_id", "ops")
    )
    if not entries or entries[0][0] != rev + 1:
        return None
    return [{"rev": r, "op_id": str(o), "by": u, "ops": ops} for r, o, u, ops in entries]


def board_card(board: Board, card_id) -> Card | None:
    """One card of `board`, deleted or not (a panel says so), or None."""
    return Card.objects.filter(board=board, pk=card_id).select_related("author", "phase").first()


def card_arrows(card: Card) -> list[dict]:
    """The live arrows into and out of `card`, each with the card at its other end and
    its direction (forward, backward, within a phase)."""
    arrows = (
        Arrow.objects.filter(board_id=card.board_id, deleted=False)
        .filter(Q(from_card=card) | Q(to_card=card))
        .filter(from_card__deleted=False, to_card__deleted=False)
        .select_related("from_card__phase", "to_card__phase")
        .order_by("created", "id")
    )
    arrows = list(arrows)
    directions = arrow_directions(arrows)
    return [
        {
            "arrow": arrow,
            "outgoing": arrow.from_card_id == card.pk,
            "other": arrow.to_card if arrow.from_card_id == card.pk else arrow.from_card,
            "direction": directions[arrow.id],
        }
        for arrow in arrows
    ]


def board_phase_counts(board: Board) -> list[Phase]:
    """The phases in order, each annotated with `card_count` (live cards only)."""
    return list(
        board.phases.annotate(
            card_count=Count("cards", filter=Q(cards__deleted=False, cards__board=board))
        ).order_by("position", "id")
    )


def organisation_members(organisation: Organisation) -> list:
    """Memberships of `organisation`, most powerful role first, then by name."""
    from journeymap.models import ROLE_RANK, Membership

    memberships = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    return sorted(memberships, key=lambda m: (-ROLE_RANK[m.role], m.user.name.lower()))
