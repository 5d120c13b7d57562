"""The facilitation plumbing (docs/protocol.md, "Facilitation"): a `facilitate` frame is
answered `facilitated` or `error` with its `ref`, the capability is the server's to
judge, refusals change nothing, and everyone on the board gets their `workshop` frame
(in `welcome`, after every sync, after every change)."""

from __future__ import annotations

import time

import pytest
from asgiref.sync import sync_to_async

from boards.workshop.models import DoneMark, Timer
from journeymap.actions import membership_change_role
from journeymap.models import Membership
from tests.ws import receive_frame

SKIPPED = {"joined", "left", "presence", "workshop", "patch"}


async def receive_type(communicator, types) -> dict:
    """The next frame of one of `types`, skipping chatter and patches (board content)."""
    types = {types} if isinstance(types, str) else types
    while True:
        frame = await receive_frame(communicator)
        if frame["type"] in types:
            return frame
        assert frame["type"] in SKIPPED, frame


pytestmark = pytest.mark.django_db(transaction=True)


async def facilitate(communicator, action: str, ref: str = "r1", **args) -> dict:
    """Send a facilitate frame; return its answer (facilitated, or error)."""
    await communicator.send_json_to({"type": "facilitate", "ref": ref, "action": action, **args})
    return await receive_type(communicator, {"facilitated", "error"})


async def frames_for_a_while(communicator, seconds: float = 0.3) -> list[str]:
    """The types of the frames that come within `seconds`."""
    types = []
    while not await communicator.receive_nothing(timeout=seconds):
        types.append((await communicator.receive_json_from())["type"])
    return types


@sync_to_async
def timers(board) -> list[dict]:
    return list(Timer.objects.filter(board=board).values())


async def test_a_facilitate_frame_is_answered_and_everyone_gets_the_new_workshop(
    sockets, board, members
):
    lead, welcome, _ = await sockets.join(members["facilitator"], board)
    assert welcome["workshop"]["timer"] is None
    assert isinstance(welcome["workshop"]["now"], int)
    watcher, _, _ = await sockets.join(members["viewer"], board)

    answer = await facilitate(lead, "timer.start", ref="start-1", seconds=300)
    assert answer == {"type": "facilitated", "ref": "start-1", "action": "timer.start"}
    for communicator in (lead, watcher):
        frame = await receive_type(communicator, "workshop")
        assert frame["timer"]["running"] is True
        assert frame["timer"]["seconds"] == 300
        assert frame["timer"]["ends"] - frame["now"] == pytest.approx(300_000, abs=2_000)
        assert frame["timer"]["left"] == pytest.approx(300_000, abs=2_000)


@pytest.mark.parametrize("role", ["owner", "admin", "facilitator"])
async def test_facilitators_owners_and_admins_may_facilitate(sockets, board, members, role):
    communicator, welcome, _ = await sockets.join(members[role], board)
    assert welcome["you"]["can"]["facilitate"] is True
    assert (await facilitate(communicator, "timer.start", seconds=60))["type"] == "facilitated"
    assert len(await timers(board)) == 1


@pytest.mark.parametrize("role", ["editor", "viewer"])
async def test_others_are_refused_with_forbidden_and_nothing_changes(sockets, board, members, role):
    communicator, _, _ = await sockets.join(members[role], board)
    error = await facilitate(communicator, "timer.start", ref="mine", seconds=60)
    assert error["type"] == "error"
    assert error["code"] == "forbidden"
    assert error["ref"] == "mine"
    assert error["message"] == "Only the facilitator can do that."
    assert await timers(board) == []


async def test_the_role_is_read_again_for_every_action(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    membership = await Membership.objects.aget(user=members["facilitator"])
    # Lowered elsewhere; the socket may not have heard of it yet.
    await sync_to_async(Membership.objects.filter(pk=membership.pk).update)(role="editor")
    assert (await facilitate(lead, "timer.start", seconds=60))["code"] == "forbidden"
    assert await timers(board) == []


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"action": "timer.start", "seconds": 60}, "invalid"),  # no ref
        ({"ref": "", "action": "timer.start", "seconds": 60}, "invalid"),
        ({"ref": "x" * 65, "action": "timer.start", "seconds": 60}, "invalid"),
        ({"ref": "r", "seconds": 60}, "invalid"),  # no action
        ({"ref": "r", "action": "timer.explode"}, "invalid"),
        ({"ref": "r", "action": "timer.start"}, "invalid"),  # no seconds
        ({"ref": "r", "action": "timer.start", "seconds": "60"}, "invalid"),
        ({"ref": "r", "action": "timer.start", "seconds": 5}, "out_of_range"),
        ({"ref": "r", "action": "timer.start", "seconds": 7201}, "out_of_range"),
        ({"ref": "r", "action": "timer.start", "seconds": 60, "colour": "red"}, "invalid"),
    ],
)
async def test_bad_frames_are_refused_with_their_ref_and_change_nothing(
    sockets, board, members, frame, code
):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await lead.send_json_to({"type": "facilitate", **frame})
    error = await receive_type(lead, "error")
    assert error["code"] == code
    ref = frame.get("ref")
    if ref and len(ref) <= 64:
        assert error["ref"] == ref
    else:
        assert "ref" not in error
    assert await timers(board) == []


async def test_a_late_joiner_and_a_reconnect_see_the_time_that_is_left(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await facilitate(lead, "timer.start", seconds=600)
    # Five minutes went by (as if the timer had been started then).
    timer = await Timer.objects.aget(board=board)
    timer.ends = timer.ends - _minutes(5)
    await timer.asave()

    late, welcome, _ = await sockets.join(members["editor"], board)
    assert welcome["workshop"]["timer"]["left"] == pytest.approx(300_000, abs=2_000)
    # The page's sync (after a reconnect, a wake-up) is followed by the room as it is.
    await late.send_json_to({"type": "sync", "rev": 0, "epoch": 1})
    await receive_type(late, {"patches", "snapshot"})
    frame = await receive_type(late, "workshop")
    assert frame["timer"]["running"] is True
    assert frame["timer"]["left"] == pytest.approx(300_000, abs=2_000)
    assert abs(frame["now"] - time.time() * 1000) < 5_000


async def test_the_timer_pauses_resumes_extends_and_stops(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    assert (await facilitate(lead, "timer.pause"))["code"] == "not_found"
    await facilitate(lead, "timer.start", seconds=120)
    await receive_type(lead, "workshop")

    assert (await facilitate(lead, "timer.pause"))["type"] == "facilitated"
    paused = (await receive_type(lead, "workshop"))["timer"]
    assert paused["running"] is False
    assert paused["ends"] is None
    assert paused["left"] == pytest.approx(120_000, abs=2_000)
    assert (await facilitate(lead, "timer.pause"))["code"] == "conflict"

    assert (await facilitate(lead, "timer.extend", seconds=60))["type"] == "facilitated"
    extended = (await receive_type(lead, "workshop"))["timer"]
    assert extended["seconds"] == 180
    assert extended["left"] == pytest.approx(180_000, abs=2_000)

    assert (await facilitate(lead, "timer.resume"))["type"] == "facilitated"
    frame = await receive_type(lead, "workshop")
    assert frame["timer"]["running"] is True
    assert frame["timer"]["ends"] - frame["now"] == pytest.approx(180_000, abs=2_000)
    assert (await facilitate(lead, "timer.resume"))["code"] == "conflict"
    assert (await facilitate(lead, "timer.extend", seconds=3600 * 4))["code"] == "out_of_range"

    assert (await facilitate(lead, "timer.stop"))["type"] == "facilitated"
    assert (await receive_type(lead, "workshop"))["timer"] is None
    assert await timers(board) == []


async def test_a_timer_whose_time_is_up_can_be_extended_from_now(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await facilitate(lead, "timer.start", seconds=60)
    timer = await Timer.objects.aget(board=board)
    timer.ends = timer.ends - _minutes(10)
    await timer.asave()
    assert (await facilitate(lead, "timer.pause"))["code"] == "conflict"
    await facilitate(lead, "timer.extend", seconds=60)
    frame = None
    while frame is None or frame["timer"]["seconds"] != 120:
        frame = await receive_type(lead, "workshop")
    assert frame["timer"]["left"] == pytest.approx(60_000, abs=2_000)


async def test_a_lowered_role_arrives_before_the_next_refusal(sockets, board, members):
    """The role frame and the refusal agree: after a demotion the page hides the bar."""
    lead, _, _ = await sockets.join(members["facilitator"], board)
    membership = await Membership.objects.aget(user=members["facilitator"])
    await sync_to_async(membership_change_role)(membership=membership, role="editor")
    role = await receive_type(lead, "role")
    assert role["can"]["facilitate"] is False
    assert (await facilitate(lead, "timer.start", seconds=60))["code"] == "forbidden"


def _minutes(n: int):
    from datetime import timedelta

    return timedelta(minutes=n)


# Summon: volatile, passed on to everyone else.


async def test_summon_brings_everyone_else_to_the_facilitator_s_view(sockets, board, members):
    lead, welcome, _ = await sockets.join(members["facilitator"], board)
    editor, _, _ = await sockets.join(members["editor"], board)
    viewer, _, _ = await sockets.join(members["viewer"], board)
    view = {"x": 640.5, "y": -120, "zoom": 0.75}
    assert (await facilitate(lead, "summon", ref="here", view=view))["type"] == "facilitated"
    for communicator in (editor, viewer):
        summon = await receive_type(communicator, "summon")
        assert summon["view"] == {"x": 640.5, "y": -120.0, "zoom": 0.75}
        assert summon["by"] == welcome["you"]["session"]
    assert "summon" not in await frames_for_a_while(lead)


@pytest.mark.parametrize("role", ["editor", "viewer"])
async def test_only_a_facilitator_may_summon(sockets, board, members, role):
    communicator, _, _ = await sockets.join(members[role], board)
    other, _, _ = await sockets.join(members["owner"], board)
    error = await facilitate(communicator, "summon", view={"x": 0, "y": 0, "zoom": 1})
    assert error["code"] == "forbidden"
    assert "summon" not in await frames_for_a_while(other)


@pytest.mark.parametrize(
    "view",
    [None, {"x": 0, "y": 0}, {"x": 0, "y": 0, "zoom": 9}, {"x": "0", "y": 0, "zoom": 1}],
)
async def test_a_bad_view_is_refused(sockets, board, members, view):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    error = await facilitate(lead, "summon", view=view)
    assert error["code"] in {"invalid", "out_of_range"}


# Steps and "I'm done".


async def _set_stage(communicator, stage: str) -> None:
    from tests.ws import send_ops

    assert (await send_ops(communicator, [{"op": "board.update", "stage": stage}]))["type"] == "ack"
    await receive_type(communicator, "patch")


async def test_participants_say_they_are_done_and_the_facilitator_sees_who(sockets, board, members):
    lead, welcome, _ = await sockets.join(members["facilitator"], board)
    assert welcome["workshop"]["step"]["suggested"]["touchpoints"] == 600
    editor, _, _ = await sockets.join(members["editor"], board)
    assert (await facilitate(editor, "done.set", done=True))["code"] == "conflict"  # no step
    await _set_stage(lead, "touchpoints")

    assert (await facilitate(editor, "done.set", ref="d", done=True))["type"] == "facilitated"
    mine = await receive_type(editor, "workshop")
    assert mine["done"] == {"stage": "touchpoints", "count": 1, "you": True}  # no names
    theirs = await receive_type(lead, "workshop")
    assert theirs["done"]["you"] is False
    assert theirs["done"]["people"] == [{"user": members["editor"].pk, "name": "Editor Person"}]
    assert theirs["step"]["stage"] == "touchpoints"

    # Taking it back.
    await facilitate(editor, "done.set", done=False)
    assert (await receive_type(lead, "workshop"))["done"]["people"] == []


async def test_moving_to_the_next_step_starts_everyone_afresh(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    editor, _, _ = await sockets.join(members["editor"], board)
    await _set_stage(lead, "touchpoints")
    await facilitate(editor, "done.set", done=True)
    await _set_stage(lead, "activities")
    await editor.send_json_to({"type": "sync", "rev": None, "epoch": None})
    await receive_type(editor, "snapshot")
    frame = await receive_type(editor, "workshop")
    assert frame["done"] == {"stage": "activities", "count": 0, "you": False}
    assert frame["step"]["stage"] == "activities"


async def test_a_viewer_cannot_say_done_and_nothing_is_stored(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await _set_stage(lead, "touchpoints")
    viewer, _, _ = await sockets.join(members["viewer"], board)
    error = await facilitate(viewer, "done.set", done=True)
    assert error["code"] == "forbidden"
    assert error["message"] == "Your role can only look at this board."
    assert not await DoneMark.objects.filter(board=board).aexists()


@pytest.mark.parametrize("role", ["owner", "admin", "facilitator", "editor"])
async def test_everyone_who_edits_may_say_done(sockets, board, members, role):
    lead, _, _ = await sockets.join(members["owner"], board)
    await _set_stage(lead, "gaps")
    communicator, _, _ = await sockets.join(members[role], board)
    assert (await facilitate(communicator, "done.set", done=True))["type"] == "facilitated"
    assert await DoneMark.objects.filter(board=board, user=members[role]).aexists()


@pytest.mark.parametrize("done", [None, 1, "yes"])
async def test_done_must_be_true_or_false(sockets, board, members, done):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await _set_stage(lead, "touchpoints")
    error = await facilitate(lead, "done.set", done=done)
    assert error["code"] == "invalid"
    assert not await DoneMark.objects.filter(board=board).aexists()


async def test_presence_carries_a_view_to_follow(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    editor, _, _ = await sockets.join(members["editor"], board)
    await lead.send_json_to({"type": "presence", "view": {"x": 10, "y": 20, "zoom": 1.5}})
    presence = await receive_type(editor, "presence")
    while "view" not in presence:
        presence = await receive_type(editor, "presence")
    assert presence["view"] == {"x": 10, "y": 20, "zoom": 1.5}
    await lead.send_json_to({"type": "presence", "view": {"x": 10, "y": 20, "zoom": 30}})
    assert (await receive_type(lead, "error"))["code"] == "out_of_range"


# Every action against every role that may not send it.

FACILITATOR_ACTIONS = [
    ("timer.start", {"seconds": 60}),
    ("timer.pause", {}),
    ("timer.resume", {}),
    ("timer.extend", {"seconds": 60}),
    ("timer.stop", {}),
    ("summon", {"view": {"x": 0, "y": 0, "zoom": 1}}),
]


@pytest.mark.parametrize("role", ["editor", "viewer"])
@pytest.mark.parametrize(("action", "args"), FACILITATOR_ACTIONS)
async def test_no_facilitator_action_is_open_to_editors_or_viewers(
    sockets, board, members, role, action, args
):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await facilitate(lead, "timer.start", seconds=120)
    before = await timers(board)
    communicator, _, _ = await sockets.join(members[role], board)
    error = await facilitate(communicator, action, ref=action, **args)
    assert error["code"] == "forbidden"
    assert error["ref"] == action
    assert await timers(board) == before
    assert "summon" not in await frames_for_a_while(lead)


@pytest.mark.parametrize(("action", "args"), [*FACILITATOR_ACTIONS, ("done.set", {"done": True})])
async def test_a_read_only_share_link_guest_sees_the_room_and_runs_nothing(
    sockets, board, members, action, args
):
    from boards.sharing import share_link_create
    from tests.ws import ORIGIN

    link = await sync_to_async(share_link_create)(
        board=board, actor=members["facilitator"], label="Agency", days=None
    )
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await _set_stage(lead, "touchpoints")
    await facilitate(lead, "timer.start", seconds=120)
    guest, connected = await sockets.open(
        None, board, path=f"/ws/share/{link.token}/", origin=ORIGIN
    )
    assert connected
    welcome = await receive_type(guest, "welcome")
    assert welcome["workshop"]["timer"]["running"] is True
    assert "people" not in welcome["workshop"]["done"]  # names are the facilitator's
    before = await timers(board)
    error = await facilitate(guest, action, **args)
    assert error["code"] == "forbidden"
    assert await timers(board) == before
    assert not await DoneMark.objects.filter(board=board).aexists()
