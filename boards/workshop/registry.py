"""The facilitation registry: every action a `facilitate` frame may name, every section
of the `workshop` frame, and `perform`, the one place an action's capability is checked.

An action is declared where it is implemented:

    @action("timer.start", capability=Can.FACILITATE, args={"seconds": integer(10, 7200)})
    def start_timer(ctx: ActionContext, args: dict) -> None: ...

`args` are required, `optional` may be left out (the validators of boards.live.fields).
The handler runs inside `perform`'s transaction, with the board's row locked, after the
capability was held against the role read in that transaction; it raises ProtocolError
to refuse (the transaction rolls back: nothing changes). It returns None when it changed
the room's state (everyone is sent their new `workshop` frame), or a `Volatile` frame to
pass on to everyone else on the board instead (stored nowhere).

A section is one key of the `workshop` frame, read for one person:

    @section("timer")
    def timer_section(board, viewer, now) -> dict | None: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards.live.commit import BoardGone, SignedOut
from boards.live.fields import ProtocolError, object_fields, shown
from boards.models import Board
from journeymap.access import Can, role_allows


@dataclass
class ActionContext:
    board: Board  # locked for this transaction
    viewer: Any  # boards.access.Viewer, re-checked: may still read the board
    user: Any  # viewer.user, or None for a share-link guest
    role: str  # the role read in this transaction
    now: datetime


@dataclass
class Volatile:
    """What a handler returns to pass a frame on to everyone else on the board, now, and
    store nothing (summon)."""

    frame: dict


@dataclass
class Action:
    name: str
    capability: Can
    handler: Callable[[ActionContext, dict], Volatile | None]
    args: dict[str, Callable] = field(default_factory=dict)
    optional: dict[str, Callable] = field(default_factory=dict)


ACTIONS: dict[str, Action] = {}
SECTIONS: dict[str, Callable] = {}


def action(
    name: str,
    *,
    capability: Can,
    args: dict[str, Callable] | None = None,
    optional: dict[str, Callable] | None = None,
):
    """Register the decorated function as the handler of the action `name`."""

    def register(handler):
        if name in ACTIONS:
            raise ValueError(f"Two facilitation actions are called {name!r}")
        ACTIONS[name] = Action(name, capability, handler, args or {}, optional or {})
        return handler

    return register


def section(name: str):
    """Register the decorated function as the `name` section of the `workshop` frame."""

    def register(reader):
        if name in SECTIONS or name in {"type", "now"}:
            raise ValueError(f"Two workshop sections are called {name!r}")
        SECTIONS[name] = reader
        return reader

    return register


def check_args(name: str, args: dict) -> tuple[Action, dict]:
    """The action called `name` and its arguments, cleaned: no database needed."""
    found = ACTIONS.get(name)
    if found is None:
        raise ProtocolError(
            "invalid",
            _("“%(action)s” is not something a facilitator can do.") % {"action": shown(name)},
        )
    cleaned = object_fields(
        args,
        required=found.args,
        optional=found.optional,
        where=_("The action %(action)s") % {"action": name},
    )
    return found, cleaned


def perform(board_id, viewer, name: str, args: dict) -> Volatile | None:
    """Run the action `name` for `viewer` on the board, in one transaction. Raises
    ProtocolError (refused: nothing changed), BoardGone (the person may no longer read
    the board) or SignedOut (their session no longer signs them in), as an op's commit."""
    found, cleaned = check_args(name, args)
    with transaction.atomic():
        board = Board.objects.select_for_update().filter(pk=board_id).first()
        if not viewer.signed_in():
            raise SignedOut
        role = viewer.role_now(board) if board is not None else None
        if role is None:
            raise BoardGone
        # The one capability check of every facilitation action.
        if not role_allows(role, found.capability):
            raise ProtocolError("forbidden", refusal(found.capability))
        ctx = ActionContext(board, viewer, viewer.user, role, timezone.now())
        return found.handler(ctx, cleaned)


def refusal(capability: Can) -> str:
    if capability is Can.FACILITATE:
        return _("Only the facilitator can do that.")
    if capability is Can.EDIT_BOARD:
        return _("Your role can only look at this board.")
    return _("You cannot do that on this board.")
