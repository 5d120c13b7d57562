"""The one writer of a board's content from a state dict: phases, cards, arrows, links.

Three things make a board's content in one go, and all three come here: a new board
from a template or a framework (boards.actions.board_create), a restored version
(boards.snapshots.snapshot_restore) and an imported board file
(boards.exports.jsonio.board_import). Edits of a live board go through ops instead
(boards.live.batch); this is for content written whole.

`content` has the shape of the board state (boards.selectors.board_state,
docs/protocol.md): phases, cards, arrows and links, each with an `id`, cards naming
their phase and arrows and links their cards by those ids, people by user id. What a
thing lacks (a version frozen before a field existed, a template that does not say)
gets the default a new one gets, from boards.schema.

The rules, the same for every writer:
- Ids. With `keep_ids` (a restore: the same version restored twice is the same board)
  the content's ids are kept, except where another board's row holds one meanwhile:
  clients choose the ids of what they create, so anyone could take an id this board
  once had. Such a row gets a fresh id, and what refers to it follows. Without
  `keep_ids` (a template, an import) everything gets a fresh id, and the content's
  ids are only names for its references.
- People. A card names an author or owner only while that person is a member of the
  board's organisation: a user id or e-mail address from elsewhere (another
  organisation's version, a file from another installation) names nobody here. A card
  whose author is no member is written by `by`; an owner who is no member is none.
  Arrows and links are written by `by`: the state does not say who drew them.
- References that point at nothing (an arrow to a card the content lacks) are dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Hashable, Iterable, Sequence

from django.db import models, transaction

from boards.models import PHASE_COLOURS, Arrow, Board, Card, CardLink, Phase
from boards.schema import ARROW, CARD, LINK, PHASE
from journeymap.models import Membership, User

BATCH = 1000  # rows per INSERT: a 10,000-card board in a few statements
# Ids asked of the database at a time (SQLite allows a few hundred parameters).
LOOKUP_CHUNK = 500
CARD_PEOPLE = CARD.refs("user")


def write_content(*, board: Board, content: dict, keep_ids: bool, by: User | None) -> None:
    """Make `content` (a board state's phases, cards, arrows and links) the content of
    `board`, in place of what it had (deleted rows too). The caller holds the board (a
    new one, or locked with select_for_update) and sets its revision, title and
    `updated`: this writes the content, nothing else."""
    phases = list(content.get("phases", []))
    cards = [{**CARD.state_defaults, **card} for card in content.get("cards", [])]
    arrows = [{**ARROW.state_defaults, **arrow} for arrow in content.get("arrows", [])]
    links = [{**LINK.state_defaults, **link} for link in content.get("links", [])]
    by_id = None if by is None else by.pk
    with transaction.atomic():
        # Tombstones go too: a kept id must not meet its own deleted row.
        for model in (CardLink, Arrow, Card, Phase):
            model.objects.filter(board=board).delete()
        phase_ids = _ids(Phase, [phase["id"] for phase in phases], keep=keep_ids)
        card_ids = _ids(Card, [card["id"] for card in cards], keep=keep_ids)
        members = _members(board, {card[name] for card in cards for name in CARD_PEOPLE})
        Phase.objects.bulk_create(
            (
                Phase(
                    board=board,
                    **PHASE.attrs(
                        {
                            "position": index,
                            "kpis": [],
                            "locked": False,
                            **phase,
                            "id": phase_ids[phase["id"]],
                            # An empty colour (a hand-made template) is the line's next.
                            "colour": phase.get("colour")
                            or PHASE_COLOURS[index % len(PHASE_COLOURS)],
                        }
                    ),
                )
                for index, phase in enumerate(phases)
            ),
            batch_size=BATCH,
        )
        Card.objects.bulk_create(
            (
                Card(
                    board=board,
                    **CARD.attrs(
                        {
                            **card,
                            "id": card_ids[card["id"]],
                            "phase": phase_ids.get(card["phase"]),
                            "author": card["author"] if card["author"] in members else by_id,
                            "owner": card["owner"] if card["owner"] in members else None,
                        }
                    ),
                )
                for card in cards
            ),
            batch_size=BATCH,
        )
        for model, shape, given in ((Arrow, ARROW, arrows), (CardLink, LINK, links)):
            items = [item for item in given if item["from"] in card_ids and item["to"] in card_ids]
            ids = _ids(model, [item["id"] for item in items], keep=keep_ids)
            model.objects.bulk_create(
                (
                    model(
                        board=board,
                        author=by,
                        **shape.attrs(
                            {
                                **item,
                                "id": ids[item["id"]],
                                "from": card_ids[item["from"]],
                                "to": card_ids[item["to"]],
                            }
                        ),
                    )
                    for item in items
                ),
                batch_size=BATCH,
            )


def fresh_ids(count: int) -> list[uuid.UUID]:
    """Fresh random ids in ascending order: the board state lists rows by (created, id),
    and rows written in one go may share a timestamp, so ascending ids keep the
    content's order (a re-export lists everything as the file did)."""
    return sorted((uuid.uuid4() for _i in range(count)), key=lambda ident: ident.int)


def _ids(model: type[models.Model], names: Sequence[Hashable], *, keep: bool) -> dict:
    """Content id -> the id the row is written with (see the module's rules)."""
    if not keep:
        return dict(zip(names, fresh_ids(len(names)), strict=True))
    wanted = {name: uuid.UUID(str(name)) for name in names}
    taken = set()
    values = list(wanted.values())
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = values[start : start + LOOKUP_CHUNK]
        taken.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return {name: uuid.uuid4() if ident in taken else ident for name, ident in wanted.items()}


def _members(board: Board, people: Iterable[int | None]) -> set[int]:
    """Those of `people` (user ids) who are members of the board's organisation."""
    people = [person for person in people if person is not None]
    if not people:
        return set()
    return set(
        Membership.objects.filter(
            organisation_id=board.organisation_id, user_id__in=people
        ).values_list("user_id", flat=True)
    )
