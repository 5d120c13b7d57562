"""The room's countdown (docs/protocol.md, "Facilitation"): the facilitator starts,
pauses, resumes, extends and stops it; everyone's page counts down to the same server
instant (`ends`), so a late joiner or a page that reconnects shows the right time."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from boards.live.fields import ProtocolError, integer
from boards.workshop.models import Timer
from boards.workshop.registry import ActionContext, action, section
from journeymap.access import Can

MIN_SECONDS, MAX_SECONDS = 10, 2 * 60 * 60  # one start
MAX_EXTEND = 60 * 60  # one extension
MAX_LEFT_MS = 4 * 60 * 60 * 1000  # what may be left after extensions
START = integer(MIN_SECONDS, MAX_SECONDS)
EXTEND = integer(MIN_SECONDS, MAX_EXTEND)


def epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def _timer(ctx: ActionContext) -> Timer:
    timer = Timer.objects.filter(board=ctx.board).first()
    if timer is None:
        raise ProtocolError("not_found", _("No timer is running."))
    return timer


def _left_ms(timer: Timer, now) -> int:
    if timer.ends is None:
        return timer.left_ms
    return max(0, int((timer.ends - now).total_seconds() * 1000))


@action("timer.start", capability=Can.FACILITATE, args={"seconds": START})
def start(ctx: ActionContext, args: dict) -> None:
    """Start a countdown of `seconds`, replacing any timer there was."""
    Timer.objects.update_or_create(
        board=ctx.board,
        defaults={
            "seconds": args["seconds"],
            "ends": ctx.now + timedelta(seconds=args["seconds"]),
            "left_ms": None,
            "started_by": ctx.user,
        },
    )


@action("timer.pause", capability=Can.FACILITATE)
def pause(ctx: ActionContext, args: dict) -> None:
    timer = _timer(ctx)
    if timer.ends is None:
        raise ProtocolError("conflict", _("The timer is paused already."))
    if timer.ends <= ctx.now:
        raise ProtocolError("conflict", _("The time is up already: extend or stop the timer."))
    timer.left_ms, timer.ends = _left_ms(timer, ctx.now), None
    timer.save(update_fields=["left_ms", "ends"])


@action("timer.resume", capability=Can.FACILITATE)
def resume(ctx: ActionContext, args: dict) -> None:
    timer = _timer(ctx)
    if timer.ends is not None:
        raise ProtocolError("conflict", _("The timer is running already."))
    timer.ends, timer.left_ms = ctx.now + timedelta(milliseconds=timer.left_ms), None
    timer.save(update_fields=["left_ms", "ends"])


@action("timer.extend", capability=Can.FACILITATE, args={"seconds": EXTEND})
def extend(ctx: ActionContext, args: dict) -> None:
    """Add `seconds` to what is left (to a timer whose time is up: from now)."""
    timer = _timer(ctx)
    left = _left_ms(timer, ctx.now) + args["seconds"] * 1000
    if left > MAX_LEFT_MS:
        raise ProtocolError("out_of_range", _("A timer can run for at most 4 hours."))
    timer.seconds += args["seconds"]
    if timer.ends is None:
        timer.left_ms = left
    else:
        timer.ends = ctx.now + timedelta(milliseconds=left)
    timer.save(update_fields=["seconds", "left_ms", "ends"])


@action("timer.stop", capability=Can.FACILITATE)
def stop(ctx: ActionContext, args: dict) -> None:
    _timer(ctx).delete()


@section("timer")
def timer_section(board, viewer, now) -> dict | None:
    """`{seconds, running, ends, left}`: `ends` (server epoch ms) while running, null while
    paused; `left` the milliseconds left at the frame's `now`. None: no timer."""
    timer = Timer.objects.filter(board=board).first()
    if timer is None:
        return None
    return {
        "seconds": timer.seconds,
        "running": timer.ends is not None,
        "ends": epoch_ms(timer.ends) if timer.ends is not None else None,
        "left": _left_ms(timer, now),
    }
