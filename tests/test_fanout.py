"""The per-process fan-out of board events (boards/live/room.py): one channel-layer
subscription per process and board, handed on to the process's sockets of that board.

Runs on the in-memory layer, and on Redis when REDIS_URL is set (the PostgreSQL + Redis
pass); tests/test_multiprocess.py covers two processes."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from boards.live import events as live
from boards.live import room as fanout
from boards.live.consumer import BoardConsumer
from journeymap.actions import membership_remove
from journeymap.models import Membership
from tests.ws import ping, receive_close, receive_frame, receive_type, send_ops

pytestmark = pytest.mark.django_db(transaction=True)


async def group_channels(group: str) -> set[str]:
    """The channels the channel layer holds as members of `group`."""
    layer = get_channel_layer()
    if hasattr(layer, "_group_key"):  # channels_redis
        connection = layer.connection(layer.consistent_hash(group))
        members = await connection.zrange(layer._group_key(group), 0, -1)
        return {member.decode() for member in members}
    return set(layer.groups.get(group, {}))


def hub() -> fanout.Rooms:
    return fanout.rooms(get_channel_layer())


def rooms_by_group() -> dict[str, fanout.Room]:
    return {room.group: room for room in hub().rooms.values()}


def _move(card_id: str, x: float) -> list[dict]:
    return [{"op": "card.update", "id": card_id, "x": x}]


async def _expect_pong_next(communicator, rev: int) -> None:
    """The next frame but presence chatter is the pong to a ping: no patch was pending."""
    await communicator.send_json_to({"type": "ping"})
    frame = await receive_type(communicator, {"pong", "patch"})
    assert frame["type"] == "pong", f"a patch came twice or late: {frame}"
    assert frame["rev"] == rev


async def test_two_sockets_of_a_board_share_one_subscription_and_get_each_patch_once(
    sockets, board, members
):
    group = live.board_group(board.pk)
    author, _, snapshot = await sockets.join(members["editor"], board)
    watcher, _, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]

    subscription = rooms_by_group()[group]
    assert len(subscription.sockets) == 2
    assert await group_channels(group) == {subscription.channel}  # one, not one per socket

    ack = await send_ops(author, _move(card, 10))
    assert ack["type"] == "ack"
    for communicator in (author, watcher):
        patch = await receive_type(communicator, "patch")
        assert patch["rev"] == ack["rev"]
        await _expect_pong_next(communicator, ack["rev"])  # once, not twice


async def test_a_patch_waits_behind_the_frame_a_socket_is_busy_with(
    sockets, board, members, monkeypatch
):
    """A socket idle on an empty inbox gets a patch at once, in the publisher's turn; one
    still answering a frame of its own gets it after that answer, never before."""
    author, _, snapshot = await sockets.join(members["editor"], board)
    watcher, _, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    gate, busy = asyncio.Event(), asyncio.Event()
    answer_ping = BoardConsumer.on_ping

    async def slow_ping(self, frame):
        busy.set()
        await gate.wait()
        await answer_ping(self, frame)

    monkeypatch.setattr(BoardConsumer, "on_ping", slow_ping)
    await watcher.send_json_to({"type": "ping"})
    await asyncio.wait_for(busy.wait(), 5)
    ack = await send_ops(author, _move(card, 15))  # committed and published meanwhile
    assert (await receive_type(author, "patch"))["rev"] == ack["rev"]  # idle: at once
    assert await watcher.receive_nothing(timeout=0.1)
    gate.set()
    assert (await receive_type(watcher, {"pong", "patch"}))["type"] == "pong"
    assert (await receive_type(watcher, {"pong", "patch"}))["rev"] == ack["rev"]


async def test_a_board_event_whose_handler_waits_still_goes_out_before_the_next(
    sockets, board, members, monkeypatch
):
    author, _, snapshot = await sockets.join(members["editor"], board)
    watcher, _, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    send_patch = BoardConsumer.board_patch
    slowed: list[dict] = []

    async def watcher_s_first_slow(self, event):
        if self.person["role"] == "viewer" and not slowed:  # handled at once, then waits
            slowed.append(event)
            await asyncio.sleep(0.2)
        await send_patch(self, event)

    monkeypatch.setattr(BoardConsumer, "board_patch", watcher_s_first_slow)
    first = await send_ops(author, _move(card, 16))
    assert (await receive_type(author, "patch"))["rev"] == first["rev"]
    second = await send_ops(author, _move(card, 17))
    revs = [(await receive_type(watcher, "patch"))["rev"] for _ in range(2)]
    assert revs == [first["rev"], second["rev"]]


async def test_a_socket_that_leaves_gets_no_more_and_the_last_one_out_unsubscribes(
    sockets, board, members
):
    group = live.board_group(board.pk)
    author, _, snapshot = await sockets.join(members["editor"], board)
    leaver, _, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    channel = rooms_by_group()[group].channel

    await leaver.disconnect()
    assert len(rooms_by_group()[group].sockets) == 1
    assert await group_channels(group) == {channel}  # still subscribed for the author
    ack = await send_ops(author, _move(card, 20))
    assert (await receive_type(author, "patch"))["rev"] == ack["rev"]
    left_over = []  # what the leaver's page was sent, up to its close
    while not await leaver.receive_nothing(timeout=0.2):
        left_over.append(await leaver.receive_output(timeout=1))
    assert not [m for m in left_over if '"patch"' in m.get("text", "")], left_over

    await author.disconnect()
    assert group not in rooms_by_group()
    assert await group_channels(group) == set()

    # A newcomer subscribes again and is served as before.
    again, _, _ = await sockets.join(members["owner"], board)
    watcher, _, _ = await sockets.join(members["viewer"], board)
    assert await group_channels(group) == {rooms_by_group()[group].channel}
    ack = await send_ops(again, _move(card, 30))
    for communicator in (again, watcher):
        assert (await receive_type(communicator, "patch"))["rev"] == ack["rev"]


async def test_sockets_of_two_boards_get_only_their_board_s_patches(sockets, org, board, members):
    from boards.actions import board_create

    other = await sync_to_async(board_create)(
        organisation=org, title="Other board", framework="clm4", created_by=members["owner"]
    )
    here, _, snapshot = await sockets.join(members["editor"], board)
    there, _, _ = await sockets.join(members["viewer"], other)
    assert set(rooms_by_group()) >= {live.board_group(board.pk), live.board_group(other.pk)}
    card = snapshot["state"]["cards"][0]["id"]
    ack = await send_ops(here, _move(card, 40))
    assert (await receive_type(here, "patch"))["rev"] == ack["rev"]
    await _expect_pong_next(there, 0)


async def test_presence_reaches_the_others_but_not_its_sender(sockets, board, members):
    alice, alice_welcome, _ = await sockets.join(members["editor"], board)
    bob, _, _ = await sockets.join(members["viewer"], board)
    carol, _, _ = await sockets.join(members["owner"], board)
    await alice.send_json_to({"type": "presence", "cursor": {"x": 1, "y": 2}})
    for other in (bob, carol):
        seen = await receive_type(other, "presence")
        assert seen["session"] == alice_welcome["you"]["session"]
    await alice.send_json_to({"type": "ping"})
    while True:  # joined/left of the others may come; Alice's own presence must not
        frame = await alice.receive_json_from(timeout=5)
        assert frame["type"] != "presence", frame
        if frame["type"] == "pong":
            break


async def test_a_newcomer_hears_of_everyone_already_there_once(sockets, board, members):
    first, first_welcome, _ = await sockets.join(members["editor"], board)
    second, second_welcome, _ = await sockets.join(members["viewer"], board)
    third, connected = await sockets.open(members["owner"], board)
    assert connected
    assert (await receive_frame(third))["type"] == "welcome"
    heard = []  # right after the welcome: once for each person already there
    while len(heard) < 2:
        heard.append((await receive_type(third, "joined"))["session"])
    assert set(heard) == {first_welcome["you"]["session"], second_welcome["you"]["session"]}
    # Once each: nothing more but the pong (the others' sockets stay quiet meanwhile).
    await third.send_json_to({"type": "ping"})
    assert (await third.receive_json_from(timeout=5))["type"] == "pong"
    for communicator in (first, second):
        assert (await ping(communicator))["type"] == "pong"


async def test_a_removal_closes_only_that_member_s_sockets(sockets, org, board, members):
    editor_one, _, snapshot = await sockets.join(members["editor"], board)
    editor_two, _, _ = await sockets.join(members["editor"], board)
    owner, _, _ = await sockets.join(members["owner"], board)
    group = live.board_group(board.pk)
    assert len(rooms_by_group()[group].sockets) == 3
    membership = await Membership.objects.aget(organisation=org, user=members["editor"])
    await sync_to_async(membership_remove)(membership=membership)

    assert await receive_close(editor_one) == 4410
    assert await receive_close(editor_two) == 4410
    card = snapshot["state"]["cards"][0]["id"]
    ack = await send_ops(owner, _move(card, 50))
    assert ack["type"] == "ack"
    assert (await receive_type(owner, "patch"))["rev"] == ack["rev"]
    await editor_one.disconnect()
    await editor_two.disconnect()
    assert len(rooms_by_group()[group].sockets) == 1


async def test_a_board_deleted_over_http_closes_every_local_socket(sockets, board, members):
    from boards.actions import board_delete

    one, _, _ = await sockets.join(members["editor"], board)
    two, _, _ = await sockets.join(members["viewer"], board)
    await sync_to_async(board_delete)(board=board)
    assert await receive_close(one) == 4410
    assert await receive_close(two) == 4410


async def test_a_consumer_that_ends_without_leaving_is_forgotten(sockets, board, members):
    group = live.board_group(board.pk)
    await sockets.join(members["editor"], board)
    consumer = next(iter(rooms_by_group()[group].sockets))
    hub().forget(consumer)
    assert consumer not in rooms_by_group().get(group, fanout.Room(hub(), board.pk)).sockets
    for _ in range(50):
        if group not in rooms_by_group():
            break
        await asyncio.sleep(0.01)
    assert group not in rooms_by_group()
    assert await group_channels(group) == set()


async def test_the_reader_survives_a_failing_receive(sockets, board, members, monkeypatch):
    monkeypatch.setattr(fanout, "RETRY_SECONDS", 0.01)
    layer = get_channel_layer()
    author, _, snapshot = await sockets.join(members["editor"], board)
    original = layer.receive
    failed = []

    async def flaky(channel):
        if channel == rooms_by_group()[live.board_group(board.pk)].channel and not failed:
            failed.append(channel)
            raise ConnectionError("Redis went away")
        return await original(channel)

    monkeypatch.setattr(layer, "receive", flaky)
    # The reader is already waiting in the old receive: a first patch goes through it,
    # the next receive fails once, and the one after that is served again.
    card = snapshot["state"]["cards"][0]["id"]
    for x in (60, 70):
        ack = await send_ops(author, _move(card, x))
        assert (await receive_type(author, "patch"))["rev"] == ack["rev"]
    assert failed
