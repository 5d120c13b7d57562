"""Dot voting's actions and its section of the `workshop` frame (docs/protocol.md,
"Facilitation"); the rules are boards.workshop.vote_rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from boards.actions import board_apply_ops
from boards.live.fields import ProtocolError, boolean, choice, integer, text, uuid_field
from boards.schema import CARD_KINDS
from boards.workshop import vote_rules as rules
from boards.workshop.registry import ActionContext, action, section
from boards.workshop.vote_models import TITLE_MAX, VOTES_MAX, VoteScope
from journeymap.access import Can

SELECTION_MAX = 500


def _card_ids(name: str, value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > SELECTION_MAX:
        raise ProtocolError(
            "invalid",
            _("“%(field)s” must be a list of at most %(n)d ids.")
            % {"field": name, "n": SELECTION_MAX},
        )
    return list(dict.fromkeys(uuid_field(name, item) for item in value))


def _voter(ctx: ActionContext):
    if ctx.user is None:  # a read-only share link: its Viewer has no person to count
        raise ProtocolError("forbidden", _("Your role can only look at this board."))
    return ctx.user


@action(
    "vote.open",
    capability=Can.FACILITATE,
    args={"scope": choice(list(VoteScope.values)), "votes": integer(1, VOTES_MAX)},
    optional={
        "kind": choice(CARD_KINDS),
        "phase": uuid_field,
        "cards": _card_ids,
        "per_card": integer(1, VOTES_MAX),
        "anonymous": boolean,
        "title": text(TITLE_MAX),
    },
)
def open_vote(ctx: ActionContext, args: dict) -> None:
    rules.open_vote(ctx.board, ctx.user, ctx.now, {**args, "title": args.get("title", "").strip()})


@action("vote.cast", capability=Can.EDIT_BOARD, args={"card": uuid_field})
def cast(ctx: ActionContext, args: dict) -> None:
    rules.cast(ctx.board, _voter(ctx), args)


@action("vote.uncast", capability=Can.EDIT_BOARD, args={"card": uuid_field})
def uncast(ctx: ActionContext, args: dict) -> None:
    rules.uncast(ctx.board, _voter(ctx), args)


@action("vote.reveal", capability=Can.FACILITATE)
def reveal(ctx: ActionContext, args: dict) -> None:
    rules.reveal(ctx.board, ctx.now)


@action("vote.close", capability=Can.FACILITATE)
def close(ctx: ActionContext, args: dict) -> None:
    rules.close(ctx.board, ctx.now)


@action("vote.promote", capability=Can.FACILITATE, args={"top": integer(1, rules.PROMOTE_MAX)})
def promote(ctx: ActionContext, args: dict) -> None:
    """The top cards become opportunities: card ops like any edit, so everyone sees them
    in a patch, the op log keeps them and undo can take them back."""
    board_apply_ops(board=ctx.board, actor=ctx.user, ops=rules.promote_ops(ctx.board, args))


@section("vote")
def vote_section(board, viewer, now) -> dict | None:
    return rules.view(board, viewer)
