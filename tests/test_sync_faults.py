"""What a socket does when the services under it fail (issue #20, docs/operations.md
"Faults"): a commit that fails takes the frames its socket sent after it along (they are
re-sent after the reconnect, in order), and a channel layer that fails to deliver ends
no socket. The fault suite (tests/faults/) does the same with real processes."""

from __future__ import annotations

import asyncio
import os
import socket
import threading

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import OperationalError
from redis.asyncio import ConnectionPool

from boards.live import room as room_module
from boards.live.reads import CLOSE_INTERNAL
from boards.models import Card
from journeymap.actions import membership_change_role
from tests.ws import join, new_id, open_socket, ping, receive_close, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


async def _queued(count: int) -> None:
    hub = room_module.rooms(get_channel_layer())
    for _ in range(500):
        if sum(len(r.queue) for r in hub.rooms.values()) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the frames never reached the commit queue")


async def test_a_failed_commit_takes_the_frames_sent_after_it_along(board, members, monkeypatch):
    """The database fails the commit of a socket's first frame while its second waits:
    the second must not commit ahead of the first (which the client re-sends after the
    reconnect), so it is refused with it and the socket closes; another socket's frame
    waiting beside it commits."""
    gate = threading.Event()
    calls: list[int] = []
    original = room_module.commit_requests

    def commit(*, board_id, requests):
        calls.append(len(requests))
        if len(calls) == 1:
            gate.wait(10)
            raise OperationalError("server closed the connection unexpectedly")
        return original(board_id=board_id, requests=requests)

    monkeypatch.setattr(room_module, "commit_requests", commit)
    ana, _welcome, _reply = await join(members["editor"], board)
    ben, _welcome, _reply = await join(members["facilitator"], board)
    card = await Card.objects.filter(board=board).afirst()
    first, later = new_id(), new_id()
    await ana.send_json_to(
        {"type": "op", "op_id": first, "ops": [{"op": "card.update", "id": str(card.pk), "x": 1}]}
    )
    await _queued(0)
    await asyncio.sleep(0.05)  # the first frame is in the (held) commit now
    await ana.send_json_to(
        {
            "type": "op",
            "op_id": later,
            "ops": [{"op": "card.update", "id": str(card.pk), "text": "after the first"}],
        }
    )
    await ben.send_json_to(
        {"type": "op", "op_id": new_id(), "ops": [{"op": "board.update", "title": "Ben's"}]}
    )
    await _queued(2)
    gate.set()
    assert (
        await receive_close(ana, skip=frozenset({"joined", "left", "presence", "patch"}))
        == CLOSE_INTERNAL
    )
    assert (await receive_type(ben, "ack"))["type"] == "ack"
    await card.arefresh_from_db()
    assert card.text != "after the first"
    assert card.x != 1
    assert calls == [1, 1]  # Ben's frame alone: Ana's later one never reached the database
    await ben.disconnect()


async def test_a_failed_receive_on_the_channel_layer_ends_no_socket(board, members, monkeypatch):
    """Redis restarting fails every pending receive of a process: the socket stays open,
    answers its pings, and its groups are added again, so that its membership events
    (a role changed) still reach it."""
    layer = get_channel_layer()
    monkeypatch.setattr(room_module, "RETRY_SECONDS", 0.05)
    failing = {"left": 0}
    original = type(layer).receive

    async def receive(self, channel):
        if failing["left"]:
            failing["left"] -= 1
            raise ConnectionError("Connection closed by server.")
        return await original(self, channel)

    editor = members["editor"]
    communicator, _welcome, _reply = await join(editor, board)
    monkeypatch.setattr(type(layer), "receive", receive)
    failing["left"] = 1
    # Wake the socket's own pump (a message to its channel), whose next receive fails.
    hub = room_module.rooms(layer)
    socket = next(iter(next(iter(hub.rooms.values())).sockets))
    await layer.send(socket.channel_name, {"type": "presence.here", "person": {"session": "x"}})
    for _ in range(200):
        if not failing["left"]:
            break
        await asyncio.sleep(0.01)
    assert failing["left"] == 0, "the receive never failed"
    assert (await ping(communicator))["type"] == "pong"
    membership = await editor.memberships.aget()
    await sync_to_async(membership_change_role)(membership=membership, role="viewer")
    role = await receive_type(communicator, "role")
    assert role["role"] == "viewer"
    await communicator.disconnect()


async def test_a_burst_of_channel_layer_calls_waits_for_a_redis_connection():
    """Hundreds of sockets joining at once: with channels_redis' own pool the calls past
    its connection cap raised "Too many connections"; journeymap.redis_layer's pool makes
    them wait their turn. Real Redis (always running here), with a cap of 4."""
    from redis.exceptions import MaxConnectionsError

    from journeymap.redis_layer import RedisChannelLayer

    address = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    stock = RedisChannelLayer(hosts=[{"address": address, "max_connections": 4}])
    stock.create_pool = lambda index: ConnectionPool.from_url(address, max_connections=4)
    layer = RedisChannelLayer(hosts=[{"address": address, "max_connections": 4, "timeout": 20}])
    try:
        channels = [await layer.new_channel() for _ in range(300)]
        group = f"burst-{new_id()}"
        with pytest.raises(MaxConnectionsError):
            await asyncio.gather(*(stock.group_add(group, c) for c in channels))
        await asyncio.gather(*(layer.group_add(group, c) for c in channels))
        await asyncio.gather(*(layer.group_discard(group, c) for c in channels))
    finally:
        await layer.close_pools()
        await stock.close_pools()


async def test_a_failed_backup_cleanup_is_a_warning_not_a_lost_task_error(caplog):
    """After each message it receives, channels_redis pops it off a backup queue in a
    task nobody awaits; when Redis dropped that connection (300 sockets closing at once
    in the fault drill), asyncio logged "Task exception was never retrieved". Ours logs
    one warning and returns. A port nothing listens on stands in for the dropped Redis."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from journeymap.redis_layer import RedisChannelLayer

    with socket.socket() as probe:  # a free port, closed again: connecting is refused
        probe.bind(("127.0.0.1", 0))
        address = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    layer = RedisChannelLayer(hosts=[{"address": address, "timeout": 1}])
    try:
        with pytest.raises(RedisConnectionError):  # what the stock cleaner would leave
            await super(RedisChannelLayer, layer)._clean_receive_backup(0, "specific.x!y")
        with caplog.at_level("WARNING", logger="journeymap.redis_layer"):
            await layer._clean_receive_backup(0, "specific.x!y")
        assert "may be delivered once more" in caplog.text
    finally:
        await layer.close_pools()


async def test_a_socket_opening_while_the_database_is_down_is_told_to_come_back(
    board, members, monkeypatch
):
    """PostgreSQL restarting while a page (re)connects: the socket closes with 4011
    (reconnect and re-send, docs/protocol.md) instead of an error inside the server."""
    from boards.live import consumer

    def unavailable(*args, **kwargs):
        raise OperationalError("connection refused: is the server running?")

    monkeypatch.setattr(consumer, "open_board", unavailable)
    communicator, connected = await open_socket(members["editor"], board)
    assert connected
    assert await receive_close(communicator, skip=frozenset()) == CLOSE_INTERNAL
