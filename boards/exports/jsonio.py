"""The board file (docs/exports.md): the export of a board state as one, and the import
that makes a new board from one.

An import trusts nothing in the file: boards/exports/boardfile.py checks all of it
before anything is written, and refuses it with a message that says exactly what is
wrong and where. Only then is the board written, in one transaction, with new ids for
everything.

People are named by e-mail address, not by user id: a user id means someone else in
another installation. On import, an owner or author is kept when the address belongs to
a member of the organisation the board is imported into; otherwise a card's author is
the importer and its owner nobody (boards/content.py, "People").
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from boards.content import write_content
from boards.exports.boardfile import (
    FORMAT,
    VERSION,
    ImportRefused,
    clean_document,
    parse_document,
)
from boards.exports.state import complete_state
from boards.gaps import gaps_from_state
from boards.models import Board
from boards.schema import ARROW, CARD, KPI_DEFAULTS, KPI_FIELDS, LINK
from journeymap.access import Can, get_membership, role_allows
from journeymap.models import Membership, Organisation, User

# ImportRefused is what board_import raises: callers catch it from here.
__all__ = ["ImportRefused", "board_document", "board_import", "board_json"]

# Card fields written as they are; the others name rows (phases and cards by an id the
# import remaps, people by address).
CARD_ATTRS = tuple(name for name in CARD.plain if name != "kind")
CARD_PEOPLE = CARD.refs("user")


# Export.


def _person(user_id: int | None, people: dict[int, dict]) -> dict | None:
    person = people.get(user_id) if user_id is not None else None
    if person is None:
        return None
    return {"email": person["email"], "name": person["name"]}


def board_document(
    state: dict, *, people: dict[int, dict], exported: datetime, votes: list[dict] | None = None
) -> dict:
    """The board file of `state` (boards.selectors.board_state or a snapshot's state).
    `people` maps the user ids the state names (owners, authors) to {"email", "name"}."""
    state = complete_state(state)
    board = state["board"]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": exported.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "board": {
            "id": board.get("id"),
            "title": board["title"],
            "framework": board["framework"],
            "stage": board["stage"],
        },
        "phases": [
            {
                "id": phase["id"],
                "position": index,
                "name": phase["name"],
                "colour": phase["colour"],
                "kpis": [
                    {
                        name: kpi.get(name, {**KPI_DEFAULTS, "readings": []}.get(name))
                        for name in KPI_FIELDS
                    }
                    for kpi in phase["kpis"]
                ],
            }
            for index, phase in enumerate(state["phases"])
        ],
        "cards": [
            {
                "id": card["id"],
                "kind": card["kind"],
                "phase": card["phase"],
                **{name: card[name] for name in CARD_ATTRS},
                **{name: _person(card[name], people) for name in CARD_PEOPLE},
            }
            for card in state["cards"]
        ],
        "arrows": [{name: arrow[name] for name in ARROW.state_names} for arrow in state["arrows"]],
        "links": [{name: link[name] for name in LINK.state_names} for link in state["links"]],
        # The gap list as the panel and the report show it (boards/gaps.py): what the file
        # says about the board, not part of it, so an import ignores it.
        "gaps": gaps_from_state(state)["gaps"],
        # The board's dot votes whose results were revealed (boards.workshop.vote_export):
        # a record of the workshop, which an import ignores like the gaps.
        "votes": votes or [],
    }


def board_json(
    state: dict, *, people: dict[int, dict], exported: datetime, votes: list[dict] | None = None
) -> bytes:
    document = board_document(state, people=people, exported=exported, votes=votes)
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


# Import: reading the file.


# Import.


def _members_by_email(organisation: Organisation) -> dict[str, int]:
    return {
        email.casefold(): user_id
        for user_id, email in Membership.objects.filter(organisation=organisation).values_list(
            "user_id", "user__email"
        )
    }


def board_import(*, organisation: Organisation, data: bytes | str, actor: User) -> Board:
    """A new board in `organisation` made from the board file `data`, equal in content to
    the board the file was exported from, with new ids for everything.

    Nothing is written unless the whole file is valid: ImportRefused (with a message that
    says what is wrong and where) otherwise. PermissionDenied when `actor` may not create
    boards in `organisation`.

    The board starts at revision 0 with an empty op log, as a board made by board_create
    from a template does: an import is the making of a board, not an edit of one, and a
    client loads it whole (docs/exports.md, "Import").
    """
    membership = get_membership(actor, organisation.pk)
    if not role_allows(membership.role if membership else None, Can.CREATE_BOARD):
        raise PermissionDenied
    cleaned = clean_document(parse_document(data))
    members = _members_by_email(organisation)

    def member(person: dict | None) -> int | None:
        return None if person is None else members.get(person["email"].casefold())

    board = Board(
        organisation=organisation,
        title=cleaned["board"]["title"],
        framework=cleaned["board"]["framework"],
        stage=cleaned["board"]["stage"],
        created_by=actor,
        updated_by=actor,
    )
    board.full_clean()
    # People are named by address here and by user id in the state: an address that is
    # no member's names nobody (and the card's author is the importer).
    cards = [
        {**card, **{name: member(card[name]) for name in CARD_PEOPLE}} for card in cleaned["cards"]
    ]
    content = {**cleaned, "cards": cards}
    with transaction.atomic():
        board.save()
        write_content(board=board, content=content, keep_ids=False, by=actor)
    return board
