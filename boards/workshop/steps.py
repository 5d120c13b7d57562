"""The workshop's steps in the room (docs/protocol.md, "Facilitation"): the step is the
board's `stage`, which the facilitator moves on with a `board.update` op and everyone's
guide follows; each step suggests a timer length; and participants say "I'm done" with
the step, which the facilitator sees by name. A done mark counts only while the board is
at the step it was made for, so moving to another step starts everyone afresh."""

from __future__ import annotations

from django.utils.translation import gettext as _

from boards.live.fields import ProtocolError
from boards.models import Stage
from boards.workshop.models import DoneMark
from boards.workshop.registry import ActionContext, action, section
from journeymap.access import Can

# What a step takes, as the timer the guide offers for it (seconds).
SUGGESTED_SECONDS = {
    Stage.TOUCHPOINTS: 10 * 60,
    Stage.ACTIVITIES: 10 * 60,
    Stage.MOVEMENT: 8 * 60,
    Stage.GAPS: 5 * 60,
    Stage.STRATEGY: 15 * 60,
}


def _bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError("invalid", _("“%(field)s” must be true or false.") % {"field": name})
    return value


@action("done.set", capability=Can.EDIT_BOARD, args={"done": _bool})
def set_done(ctx: ActionContext, args: dict) -> None:
    """Say (or take back) that you are done with the board's current step."""
    if not ctx.board.stage:
        raise ProtocolError("conflict", _("The workshop has no step to be done with."))
    if ctx.user is None:
        raise ProtocolError("forbidden", _("Your role can only look at this board."))
    if args["done"]:
        DoneMark.objects.update_or_create(
            board=ctx.board, user=ctx.user, defaults={"stage": ctx.board.stage}
        )
    else:
        DoneMark.objects.filter(board=ctx.board, user=ctx.user).delete()


@section("step")
def step_section(board, viewer, now) -> dict:
    """`{stage, suggested}`: the step the board is at, and the timer length (seconds) each
    step suggests."""
    return {
        "stage": board.stage,
        "suggested": {str(stage): seconds for stage, seconds in SUGGESTED_SECONDS.items()},
    }


@section("done")
def done_section(board, viewer, now) -> dict:
    """`{stage, count, you}` for everyone, and `people` (`[{user, name}]`, in the order
    they said so) for those who facilitate: who is done with the step `stage`."""
    marks = list(
        DoneMark.objects.filter(board=board, stage=board.stage)
        .exclude(stage="")
        .select_related("user")
        .order_by("at")
    )
    user_id = viewer.user.pk if viewer.user is not None else None
    result = {
        "stage": board.stage,
        "count": len(marks),
        "you": any(mark.user_id == user_id for mark in marks),
    }
    if viewer.may(Can.FACILITATE):
        result["people"] = [
            {"user": mark.user_id, "name": mark.user.name or mark.user.email} for mark in marks
        ]
    return result
