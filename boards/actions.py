"""Writes to boards. Each runs in a transaction; live clients hear of it on commit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boards.content import write_content
from boards.frameworks import (
    CUSTOM_FRAMEWORK,
    FRAMEWORKS,
    PHASE_COLOURS,
    Framework,
    phase_examples_for,
)
from boards.live import events, room
from boards.live.commit import Commit, commit_ops
from boards.live.protocol import clean_op
from boards.models import COLUMN_WIDTH, Board, BoardTemplate, Card, CardKind, Phase
from boards.schema import CARD
from boards.selectors import board_state, card_links
from journeymap import audit
from journeymap.access import Can, get_membership, role_allows
from journeymap.models import AuditAction, Organisation, User

# Where example cards go (docs/protocol.md, "Geometry": x relative to the phase's column,
# y below the header): two cards side by side per row, touchpoints in the upper rows,
# the activities that serve them in rows below, clear of one another.
CARD_W, CARD_H = 180, 110
MARGIN, GAP = 30, 30
ROW = CARD_H + GAP
PER_ROW = (COLUMN_WIDTH - MARGIN) // (CARD_W + GAP)  # 2 in a 480-wide column
BAND = 40  # the extra space between the touchpoints and the activities
# A template's cards keep what they say, not whom they name (owners), where they stood
# (the phase is an index into the template's phases) or how far this board's plan got
# (an opportunity's status and due date). A lock is about one workshop's room, not
# something a new board starts with.
TEMPLATE_CARD_FIELDS = tuple(name for name in CARD.plain if name not in ("locked", "status", "due"))


def _slot(index: int, top: float) -> tuple[float, float]:
    return (
        float(MARGIN + (index % PER_ROW) * (CARD_W + GAP)),
        float(top + (index // PER_ROW) * ROW),
    )


def _rows(count: int) -> int:
    return -(-count // PER_ROW)


def _example_card(kind: str, phase: int, slot: tuple[float, float], text, channel="") -> dict:
    x, y = slot
    return {
        **{name: CARD.defaults[name] for name in TEMPLATE_CARD_FIELDS if name != "kind"},
        "kind": kind,
        "phase": phase,
        "x": x,
        "y": y,
        "w": float(CARD_W),
        "h": float(CARD_H),
        "text": str(text),
        "channel": channel,
    }


def framework_content(framework: Framework, *, examples: bool) -> dict:
    """A framework as template content (the shape of BoardTemplate.content): its phases,
    and with `examples` each phase's example touchpoints.

    Only the touchpoints: they describe where customers meet a brand, which the team
    corrects in the workshop. The example activities and KPIs are what a team *could*
    do and measure, so they stay suggestions (boards.frameworks.phase_examples_for, the
    phase panel's tray) until the team accepts one: a new board is 0 % covered and has
    no KPI of its own, as the current-state analysis needs. Text is translated into the
    active language now, as the board is made."""
    phases, cards = [], []
    for index, (name, found) in enumerate(framework.phase_examples()):
        phases.append(
            {"name": str(name), "colour": PHASE_COLOURS[index % len(PHASE_COLOURS)], "kpis": []}
        )
        if examples:
            for n, text in enumerate(found.touchpoints):
                cards.append(_example_card("touchpoint", index, _slot(n, MARGIN), text))
    return {"version": 1, "phases": phases, "cards": cards, "links": []}


def template_content_from_state(state: dict) -> dict:
    """A board state (boards.selectors.board_state) as template content: everything a new
    board starts from, nothing that ties it to this board (ids, authors, owners; arrows,
    whose weights this board's customers produced). Cards refer to phases, and links to
    cards, by their place in the lists."""
    phase_index = {phase["id"]: n for n, phase in enumerate(state["phases"])}
    cards = state["cards"]
    card_index = {card["id"]: n for n, card in enumerate(cards)}
    return {
        "version": 1,
        "phases": [
            {"name": phase["name"], "colour": phase["colour"], "kpis": phase["kpis"]}
            for phase in state["phases"]
        ],
        "cards": [
            {
                "phase": phase_index.get(card["phase"]),
                **{name: card[name] for name in TEMPLATE_CARD_FIELDS},
            }
            for card in cards
        ],
        "links": [
            {"from": card_index[link["from"]], "to": card_index[link["to"]]}
            for link in state["links"]
            if link["from"] in card_index and link["to"] in card_index
        ],
    }


def template_state(content: dict) -> dict:
    """Template content (BoardTemplate.content, framework_content) as the board state
    boards.content.write_content reads: a template names phases and cards by their place
    in its lists, which serve as their ids. Only the fields a template keeps are read."""
    return {
        "phases": [{**phase, "id": index} for index, phase in enumerate(content["phases"])],
        "cards": [
            {
                **{name: card[name] for name in TEMPLATE_CARD_FIELDS if name in card},
                "id": index,
                "phase": card["phase"],
            }
            for index, card in enumerate(content.get("cards", []))
        ],
        "links": [
            {"id": index, "from": link["from"], "to": link["to"]}
            for index, link in enumerate(content.get("links", []))
        ],
    }


def board_create(
    *,
    organisation: Organisation,
    title: str,
    framework: str,
    created_by: User,
    examples: bool = False,
    template: BoardTemplate | None = None,
) -> Board:
    """A new board with the phases of `framework`; with `examples`, filled with the
    framework's example cards, links and KPI suggestions, so a team starts from a worked
    line instead of a blank one. With `template` (one of the organisation's own) the board
    starts as a copy of the template instead, and its framework is "custom".

    Examples are off unless asked for: boards made by code (tests, the demo) start empty.
    """
    if template is not None:
        if template.organisation_id != organisation.pk:
            # The form offers only the organisation's own; anything else is tampering.
            raise PermissionDenied
        framework = CUSTOM_FRAMEWORK
        content = template.content
    else:
        content = framework_content(FRAMEWORKS[framework], examples=examples)
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
        write_content(board=board, content=template_state(content), keep_ids=False, by=created_by)
    return board


def template_create_from_board(*, board: Board, name: str, actor: User) -> BoardTemplate:
    """Save `board` as a template of its organisation, under `name`. Editors and above
    may (Can.SAVE_TEMPLATE); raises PermissionDenied otherwise, and ValidationError for
    an empty, over-long or already used name."""
    membership = get_membership(actor, board.organisation_id)
    if not role_allows(membership.role if membership else None, Can.SAVE_TEMPLATE):
        raise PermissionDenied
    template = BoardTemplate(
        organisation_id=board.organisation_id,
        name=name.strip(),
        created_by=actor,
        content=template_content_from_state(board_state(board)),
    )
    template.full_clean()
    template.save()
    return template


def board_apply_ops(*, board: Board, actor: User, ops: list[dict]) -> Commit:
    """Apply protocol ops from outside a socket (HTTP, commands) as one revision, so open
    pages see it live like any other edit. Raises ProtocolError or BoardGone."""
    commit = commit_ops(
        board_id=board.pk, user=actor, op_id=str(uuid.uuid4()), ops=[clean_op(op) for op in ops]
    )
    transaction.on_commit(lambda: room.publish(board.pk, [commit]))
    return commit


def card_set_links(
    *, board: Board, card: Card, targets: Iterable[str], actor: User
) -> Commit | None:
    """Make the touchpoints `card` serves exactly `targets` (touchpoint ids): link.delete
    for each link to drop, link.create for each new one, as one revision everyone sees.
    None when the card already serves exactly these. Raises ProtocolError (a target that
    is no live touchpoint of the board, a card deleted meanwhile) or BoardGone."""
    current = {str(row["card"].pk): row["id"] for row in card_links(card, actor.pk)["serves"]}
    wanted = {str(target) for target in targets}
    ops = [{"op": "link.delete", "id": link} for tp, link in current.items() if tp not in wanted]
    ops += [
        {"op": "link.create", "id": str(uuid.uuid4()), "from": str(card.pk), "to": tp}
        for tp in sorted(wanted - set(current))
    ]
    if not ops:
        return None
    return board_apply_ops(board=board, actor=actor, ops=ops)


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
        audit.record(
            organisation=board.organisation_id,
            action=AuditAction.BOARD_DELETED,
            subject=board.title,
            details={"board": str(board_id)},
        )
        board.delete()
        transaction.on_commit(lambda: events.board_deleted(board_id))


def suggestion_accept(*, board: Board, phase: Phase, index: int, text: str, actor: User) -> Commit:
    """Turn the `index`th activity the phase's framework suggests (its text, as the page
    showed it, is `text`) into a current activity of the team: a card.create in the phase,
    below its touchpoints, and a link.create to the phase's touchpoint of the example's
    name when the board has one, as one revision every open page sees.

    Raises ValidationError when the suggestion is no longer the one shown (the phase was
    renamed meanwhile) or the phase already has that activity; ProtocolError or BoardGone
    like any edit."""
    examples = phase_examples_for(board.framework, phase.name, phase.position)
    if not 0 <= index < len(examples.activities) or str(examples.activities[index].text) != text:
        raise ValidationError(_("That suggestion is no longer offered for this phase."))
    activity = examples.activities[index]
    cards = Card.objects.filter(board=board, phase=phase, deleted=False)
    texts = {
        kind: {card.text.strip().casefold(): card.pk for card in cards if card.kind == kind}
        for kind in (CardKind.TOUCHPOINT, CardKind.ACTIVITY)
    }
    if text.strip().casefold() in texts[CardKind.ACTIVITY]:
        raise ValidationError(_("The phase already has this activity."))
    touchpoints = len(texts[CardKind.TOUCHPOINT])
    x, y = _slot(len(texts[CardKind.ACTIVITY]), MARGIN + _rows(touchpoints) * ROW + BAND)
    card_id = str(uuid.uuid4())
    ops = [
        {
            "op": "card.create",
            "id": card_id,
            "kind": CardKind.ACTIVITY.value,
            "phase": str(phase.pk),
            "x": x,
            "y": y,
            "w": float(CARD_W),
            "h": float(CARD_H),
            "text": text,
            "channel": activity.channel,
        }
    ]
    served = texts[CardKind.TOUCHPOINT].get(
        str(examples.touchpoints[activity.serves]).strip().casefold()
    )
    if served is not None:
        ops.append(
            {"op": "link.create", "id": str(uuid.uuid4()), "from": card_id, "to": str(served)}
        )
    return board_apply_ops(board=board, actor=actor, ops=ops)
