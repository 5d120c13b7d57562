"""Reads of boards: what the pages, the live protocol and the exports show."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from boards.frameworks import FRAMEWORKS, kpi_suggestions, phase_examples_for
from boards.gaps import gaps_from_state, strategy_from_state
from boards.models import (
    Arrow,
    Board,
    BoardTemplate,
    Card,
    CardKind,
    CardLink,
    Channel,
    OpLog,
    Phase,
    ShareLink,
    Snapshot,
    arrow_direction,
)
from boards.private import cards_visible, for_viewer, lines_visible
from boards.schema import ARROW, CARD, LINK, PHASE
from journeymap.models import Organisation, User


def boards_for_organisation(organisation: Organisation, *, archived: bool = False) -> QuerySet:
    return (
        Board.objects.filter(organisation=organisation, archived=archived)
        .select_related("updated_by", "created_by")
        .annotate(
            card_count=Count(
                "cards", filter=Q(cards__deleted=False, cards__private=False), distinct=True
            )
        )
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("position")))
        .order_by("-updated")
    )


def board_phases(board: Board) -> list[Phase]:
    return list(board.phases.order_by("position", "id"))


def board_cards(board: Board) -> list[Card]:
    """The live cards the room sees (no private ones: boards/private.py)."""
    return list(
        Card.objects.filter(board=board, deleted=False, private=False)
        .select_related("author")
        .order_by("y", "x", "id")
    )


def board_arrows(board: Board) -> list[Arrow]:
    return list(
        Arrow.objects.filter(board=board, deleted=False)
        .filter(lines_visible(None, "from_card", "to_card"))
        .select_related("from_card__phase", "to_card__phase")
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
    return CARD.of(card)


def arrow_state(arrow: Arrow) -> dict:
    return ARROW.of(arrow)


def link_state(link: CardLink) -> dict:
    return LINK.of(link)


def board_state(board: Board, user_id: int | None = None) -> dict:
    """The whole live board as the protocol's `snapshot` carries it (docs/protocol.md),
    in the fields of boards.schema; as `user_id` sees it in a private writing round (their
    own private cards, marked `private: true`), else as the room does, without any private
    card (versions, exports, share links, the gap analysis: boards/private.py)."""
    phases = Phase.objects.filter(board=board).order_by("position", "id").values(*PHASE.columns)
    cards = (
        Card.objects.filter(board=board, deleted=False)
        .filter(cards_visible(user_id))
        .order_by("created", "id")
        .values(*CARD.columns, "private")
    )
    arrows = Arrow.objects.filter(board=board, deleted=False)
    if board.private_since is not None:  # a round: an arrow at a hidden card is hidden
        arrows = arrows.filter(lines_visible(user_id, "from_card", "to_card"))
    arrows = arrows.order_by("created", "id").values(*ARROW.columns)
    # The ops delete a card's links with it; the ends are checked anyway so that no
    # reader (the gap analysis among them) ever meets a link to a card it cannot see.
    links = (
        CardLink.objects.filter(
            board=board, deleted=False, source__deleted=False, target__deleted=False
        )
        .filter(lines_visible(user_id, "source", "target"))
        .order_by("created", "id")
        .values(*LINK.columns)
    )
    return {
        "board": {
            "id": str(board.id),
            "title": board.title,
            "framework": board.framework,
            "stage": board.stage,
            "locked": board.locked,
            "rev": board.rev,
            "epoch": board.epoch,
        },
        "phases": [PHASE.state(row) for row in phases],
        "cards": [_card_row(row) for row in cards],
        "arrows": [ARROW.state(row) for row in arrows],
        "links": [LINK.state(row) for row in links],
    }


def _card_row(row: dict) -> dict:
    private = row.pop("private")
    state = CARD.state(row)
    if private:
        state["private"] = True  # only ever the reader's own (cards_visible)
    return state


def has_private_cards(board: Board, user_id: int | None) -> bool:
    """Whether `user_id` has live private cards on `board` (so sees it as nobody else
    does): only ever in a private writing round."""
    if board.private_since is None or user_id is None:
        return False
    return Card.objects.filter(board=board, private=True, author_id=user_id, deleted=False).exists()


def board_gaps(board: Board) -> dict:
    """The gap analysis of the live board (boards/gaps.py): computed from the same state
    a snapshot carries, so the panel, the canvas marks and exports agree."""
    return gaps_from_state(board_state(board))


def board_strategy(board: Board) -> dict:
    """The live board's opportunities by phase and priority (boards/gaps.py), each with
    `owner_name` too (the name is not part of the board state: it is the person's)."""
    strategy = strategy_from_state(board_state(board))
    opportunities = [
        item
        for part in [*strategy["phases"], strategy["outside"]]
        for group in part["groups"]
        for item in group["opportunities"]
    ]
    owners = {item["owner"] for item in opportunities if item["owner"] is not None}
    names = {}
    if owners:
        names = {user.pk: user.name or user.email for user in User.objects.filter(pk__in=owners)}
    for item in opportunities:
        item["owner_name"] = names.get(item["owner"], "")
    return strategy


def templates_for_organisation(organisation: Organisation) -> QuerySet:
    """The organisation's saved board templates, by name."""
    return BoardTemplate.objects.filter(organisation=organisation).order_by("name", "pk")


def patches_since(board: Board, rev: int, user_id: int | None = None) -> list[dict] | None:
    """The committed batches after `rev`, oldest first, as `user_id` is shown them (in a
    private writing round, without others' private ops: boards/private.py); None when the
    log no longer reaches back that far (the client then needs a snapshot)."""
    if rev >= board.rev:
        return []
    entries = list(
        OpLog.objects.filter(board=board, rev__gt=rev)
        .order_by("rev")
        .values_list("rev", "op_id", "user_id", "ops")
    )
    if not entries or entries[0][0] != rev + 1:
        return None
    return [
        {"rev": r, "op_id": str(o), "by": u, "ops": for_viewer(ops, user_id)}
        for r, o, u, ops in entries
    ]


def board_card(board: Board, card_id, user_id: int | None = None) -> Card | None:
    """One card of `board`, deleted or not (a panel says so), or None; a private card
    only for its author (boards/private.py)."""
    return (
        Card.objects.filter(board=board, pk=card_id)
        .filter(cards_visible(user_id))
        .select_related("author", "phase", "owner")
        .first()
    )


def card_arrows(card: Card, user_id: int | None = None) -> list[dict]:
    """The live arrows into and out of `card` that `user_id` sees, each with the card at
    its other end and its direction (forward, backward, within a phase)."""
    arrows = (
        Arrow.objects.filter(board_id=card.board_id, deleted=False)
        .filter(Q(from_card=card) | Q(to_card=card))
        .filter(lines_visible(user_id, "from_card", "to_card"))
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
            card_count=Count(
                "cards",
                filter=Q(cards__deleted=False, cards__private=False, cards__board=board),
            )
        ).order_by("position", "id")
    )


def organisation_members(organisation: Organisation) -> list:
    """Memberships of `organisation`, most powerful role first, then by name."""
    from journeymap.models import ROLE_RANK, Membership

    memberships = list(Membership.objects.filter(organisation=organisation).select_related("user"))
    return sorted(memberships, key=lambda m: (-ROLE_RANK[m.role], m.user.name.lower()))


def board_phase(board: Board, phase_id) -> Phase | None:
    return Phase.objects.filter(board=board, pk=phase_id).first()


def board_touchpoints(board: Board, user_id: int | None = None) -> list[Card]:
    """The live touchpoints `user_id` sees, in the order of the line: phase by phase, top
    to bottom."""
    return list(
        Card.objects.filter(board=board, deleted=False, kind="touchpoint")
        .filter(cards_visible(user_id))
        .select_related("phase")
        .order_by("phase__position", "y", "x", "id")
    )


def card_links(card: Card, user_id: int | None = None) -> dict:
    """The live links of `card` that `user_id` sees: the touchpoints it serves and the
    cards serving it, each as {"id": link id, "card": the card at the other end}."""
    links = (
        CardLink.objects.filter(board_id=card.board_id, deleted=False)
        .filter(Q(source=card) | Q(target=card))
        .filter(lines_visible(user_id, "source", "target"))
        .filter(source__deleted=False, target__deleted=False)
        .select_related("source__phase", "target__phase")
        .order_by("created", "id")
    )
    serves, served_by = [], []
    for link in links:
        if link.source_id == card.pk:
            serves.append({"id": str(link.id), "card": link.target})
        else:
            served_by.append({"id": str(link.id), "card": link.source})
    return {"serves": serves, "served_by": served_by}


def board_snapshots(board: Board) -> list:
    """The board's versions, newest first, without their frozen state (it can be large)."""
    return list(
        Snapshot.objects.filter(board=board)
        .defer("state")
        .select_related("created_by")
        .order_by("-created", "-rev")
    )


def board_snapshot(board: Board, snapshot_id) -> Snapshot | None:
    return Snapshot.objects.filter(board=board, pk=snapshot_id).select_related("created_by").first()


def board_gap_marks(board: Board) -> dict:
    """What the canvas marks (uncovered touchpoints, each phase's coverage and its tone,
    boards.gaps.coverage_tone, and its gaps), from board_gaps so the marks never disagree with the
    panel. Every page on a board asks after each change, so it is computed once per
    revision and process."""
    # The gaps are worded in the reader's language, so each language has its own entry.
    key = f"gaps:{board.pk}:{board.epoch}:{board.rev}:{get_language()}"
    marks = cache.get(key)
    if marks is None:
        gaps = board_gaps(board)
        marks = {
            "rev": board.rev,
            "uncovered": gaps["uncovered_ids"],
            "phases": {
                phase["id"]: {
                    "coverage": phase["coverage"],
                    "tone": phase["tone"],
                    "touchpoints": phase["touchpoints"],
                    "covered": phase["covered_touchpoints"],
                    "activities": phase["activities"],
                    # The phase's part of the one gap list, as the panel words it.
                    "gaps": [gap["message"] for gap in phase["gaps"]],
                }
                for phase in gaps["phases"]
            },
        }
        cache.set(key, marks, 300)
    return marks


def board_share_links(board: Board) -> list:
    return list(
        ShareLink.objects.filter(board=board)
        .select_related("created_by")
        .prefetch_related("guests__user")
    )


def board_share_link(board: Board, link_id) -> ShareLink | None:
    return ShareLink.objects.filter(board=board, pk=link_id).first()


def phase_suggestions(board: Board, phase: Phase) -> dict:
    """What the phase panel's tray offers (boards.frameworks.phase_examples_for): the
    activities a team could run in `phase`, as [{index, text, channel, channel_label,
    serves, ours}] (`index` is what boards.actions.suggestion_accept takes), leaving out
    those the phase has already; the KPIs it could track (kpi_suggestions); and the
    `source` of the board's framework ("" for an organisation's own template). Never
    part of the board: nothing here counts in the gap analysis until accepted."""
    examples = phase_examples_for(board.framework, phase.name, phase.position)
    taken = {
        text.strip().casefold()
        for text in Card.objects.filter(
            board=board, phase=phase, kind=CardKind.ACTIVITY, deleted=False
        ).values_list("text", flat=True)
    }
    channels = dict(Channel.choices)
    framework = FRAMEWORKS.get(board.framework)
    return {
        "activities": [
            {
                "index": index,
                "text": str(activity.text),
                "channel": activity.channel,
                "channel_label": str(channels.get(activity.channel, "")),
                "serves": str(examples.touchpoints[activity.serves]),
                "ours": activity.ours,
            }
            for index, activity in enumerate(examples.activities)
            if str(activity.text).strip().casefold() not in taken
        ],
        "kpis": kpi_suggestions(board, phase),
        "source": framework.source if framework is not None else "",
    }
