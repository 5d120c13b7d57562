"""Resilience of live sync (docs/protocol.md, "Client algorithm"; docs/architecture.md):
a client that was away, missed broadcasts or holds an old epoch converges
on the database's board through revisions, never by trusting the channel layer.

The clients are tests.statemodel.Client, written from the spec alone; "equal" means equal
to boards.selectors.board_state() with cards and arrows in id order (`canonical`)."""

from __future__ import annotations

import copy
import random

import pytest
from asgiref.sync import sync_to_async
from django.db.models import F, Min

from boards.models import Board, Card, OpLog
from boards.selectors import board_state
from tests.statemodel import Client, Pending, assert_converged, canonical, random_edit
from tests.ws import LossyBroadcasts, new_id, open_socket, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def clients(transactional_db):
    """clients(user, board, name) -> a Client, disconnected after the test."""
    made: list[Client] = []

    def make(user, board, name: str = "") -> Client:
        client = Client(user, board, name)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.disconnect()


@sync_to_async
def db_state(board) -> dict:
    return canonical(board_state(Board.objects.get(pk=board.pk)))


@sync_to_async
def db_rev(board) -> int:
    return Board.objects.values_list("rev", flat=True).get(pk=board.pk)


async def edit_in_turn(authors: list[Client], count: int, rng: random.Random) -> None:
    """`count` edits, the authors taking turns, each one waiting until every author has
    seen the previous edit (so that none conflicts)."""
    for number in range(count):
        author = authors[number % len(authors)]
        ops = random_edit(rng.randrange, author.view(), size=rng.choice([1, 1, 2]))
        await author.edit(ops)
        await author.pump(until=lambda author=author: not author.pending)
        for other in authors:
            await other.pump(until=lambda other=other, author=author: other.rev == author.rev)
    for author in authors:
        assert author.errors == [], author.errors


async def test_a_client_that_was_away_catches_up_from_the_op_log(clients, board, members):
    away = clients(members["viewer"], board, "away")
    alice = clients(members["editor"], board, "alice")
    bob = clients(members["facilitator"], board, "bob")
    for client in (away, alice, bob):
        await client.connect()
    held = copy.deepcopy(away.confirmed)
    rev, epoch = away.rev, away.epoch
    await away.disconnect()

    await edit_in_turn([alice, bob], 100, random.Random(1))
    assert await db_rev(board) == rev + 100

    await away.connect()
    answer = away.answers[-1]
    assert answer["type"] == "patches"
    assert answer["from_rev"] == rev
    assert answer["epoch"] == epoch
    assert answer["rev"] == rev + 100
    assert [patch["rev"] for patch in answer["patches"]] == list(range(rev + 1, rev + 101))
    applied = {op["op"] for patch in answer["patches"] for op in patch["ops"]}
    assert {"card.create", "card.update", "card.delete"} <= applied
    assert away.confirmed != held
    assert canonical(away.confirmed) == await db_state(board)
    assert away.syncs == {"connect": 2}
    assert away.mismatches == 0
    await assert_converged(board, [away, alice, bob])


async def test_a_client_behind_the_op_log_gets_a_snapshot(clients, board, members, settings):
    settings.OPLOG_RETENTION = 10  # pruned every 100 revisions: at 100, revisions ≤ 90 go
    stale = clients(members["viewer"], board, "stale")
    recent = clients(members["owner"], board, "recent")
    alice = clients(members["editor"], board, "alice")
    bob = clients(members["facilitator"], board, "bob")
    for client in (stale, recent, alice, bob):
        await client.connect()
    assert stale.rev == 0
    await stale.disconnect()
    rng = random.Random(2)
    await edit_in_turn([alice, bob, recent], 95, rng)
    await recent.disconnect()
    await edit_in_turn([alice, bob], 5, rng)
    assert await db_rev(board) == 100
    oldest = await OpLog.objects.filter(board=board).aaggregate(rev=Min("rev"))
    assert oldest["rev"] == 91

    await stale.connect()
    answer = stale.answers[-1]
    assert answer["type"] == "snapshot"
    assert answer["rev"] == 100
    assert canonical(answer["state"]) == await db_state(board)

    await recent.connect()  # at 95: the log still reaches back that far
    answer = recent.answers[-1]
    assert answer["type"] == "patches"
    assert [patch["rev"] for patch in answer["patches"]] == [96, 97, 98, 99, 100]
    await assert_converged(board, [stale, recent, alice, bob])


async def test_a_sync_past_deleted_op_log_rows_gets_a_snapshot(clients, board, members):
    alice = clients(members["editor"], board, "alice")
    await alice.connect()
    await edit_in_turn([alice], 6, random.Random(3))
    await alice.disconnect()
    await OpLog.objects.filter(board=board, rev__lte=3).adelete()

    for rev, expected in [(0, "snapshot"), (2, "snapshot"), (3, "patches"), (5, "patches")]:
        communicator, _ = await open_socket(members["viewer"], board)
        await receive_type(communicator, "welcome")
        await communicator.send_json_to({"type": "sync", "rev": rev, "epoch": 1})
        answer = await receive_type(communicator, {"snapshot", "patches"})
        await communicator.disconnect()
        assert answer["type"] == expected, (rev, answer)
        if expected == "snapshot":
            assert canonical(answer["state"]) == await db_state(board)
        else:
            assert [patch["rev"] for patch in answer["patches"]] == list(range(rev + 1, 7))


async def test_a_new_epoch_sends_every_client_a_snapshot(clients, board, members):
    alice = clients(members["editor"], board, "alice")
    bob = clients(members["facilitator"], board, "bob")
    carol = clients(members["viewer"], board, "carol")
    for client in (alice, bob, carol):
        await client.connect()
    await edit_in_turn([alice, bob], 4, random.Random(4))
    await bob.disconnect()
    await carol.pump()

    # History is rewritten behind everyone's back (a restore): the op log no longer
    # continues what the clients hold.
    first = await Card.objects.filter(board=board, deleted=False).order_by("id").afirst()
    await Card.objects.filter(pk=first.pk).aupdate(text="Restored from a backup")
    await Board.objects.filter(pk=board.pk).aupdate(epoch=F("epoch") + 1)

    # Away while it changed: the sync names the old epoch, the answer is a snapshot.
    await bob.connect()
    assert bob.answers[-1]["type"] == "snapshot"
    assert bob.epoch == 2
    assert canonical(bob.confirmed) == await db_state(board)

    # Connected all along: the heartbeat's pong shows the new epoch.
    pong = await alice.ping()
    assert pong["epoch"] == 2
    await alice.pump()
    assert alice.syncs["epoch"] == 1
    assert alice.answers[-1]["type"] == "snapshot"
    assert canonical(alice.confirmed) == await db_state(board)

    # Or a patch of the new epoch arrives first: it is not applied, the client syncs.
    await alice.edit([{"op": "board.update", "title": "After the restore"}])
    await alice.pump(until=lambda: not alice.pending)
    await carol.pump(until=lambda: carol.epoch == 2)
    assert carol.syncs["epoch"] == 1
    assert carol.answers[-1]["type"] == "snapshot"
    assert carol.confirmed["board"]["title"] == "After the restore"
    await assert_converged(board, [alice, bob, carol])


async def test_a_re_sent_op_id_is_applied_once_and_acked_with_its_revision(clients, board, members):
    bob = clients(members["facilitator"], board, "bob")
    await bob.connect()
    communicator, _ = await open_socket(members["editor"], board)
    welcome = await receive_type(communicator, "welcome")
    op_id, card = new_id(), new_id()
    ops = [{"op": "card.create", "id": card, "kind": "note", "text": "Sent once"}]
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    # The page drops before it reads the ack: was the op applied or not?
    await communicator.disconnect(timeout=5)
    rev = await db_rev(board)
    assert rev == welcome["rev"] + 1
    logged = await OpLog.objects.filter(board=board).acount()

    # Unsure, the page re-sends the same frame right after reconnecting.
    communicator, _ = await open_socket(members["editor"], board)
    await receive_type(communicator, "welcome")
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    assert await receive_type(communicator, {"ack", "error"}) == {
        "type": "ack",
        "op_id": op_id,
        "rev": rev,
    }
    # Even with other ops under that op_id: the first commit answers.
    other = [{"op": "card.create", "id": new_id(), "kind": "note", "text": "Never"}]
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": other})
    assert await receive_type(communicator, {"ack", "error"}) == {
        "type": "ack",
        "op_id": op_id,
        "rev": rev,
    }
    await communicator.send_json_to({"type": "sync", "rev": welcome["rev"], "epoch": 1})
    answer = await receive_type(communicator, {"patches", "snapshot"})
    await communicator.disconnect()
    assert [(p["rev"], p["op_id"]) for p in answer["patches"]] == [(rev, op_id)]
    assert await db_rev(board) == rev
    assert await OpLog.objects.filter(board=board).acount() == logged
    assert await Card.objects.filter(board=board, text__in=["Sent once", "Never"]).acount() == 1

    # A page that kept the edit but lost the rest (reloaded from local storage) takes a
    # snapshot, re-sends the entry with its op_id, and is acked with the original rev.
    reloaded = clients(members["editor"], board, "reloaded")
    reloaded.pending = [Pending(op_id, ops)]
    await reloaded.connect()
    await reloaded.pump(until=lambda: not reloaded.pending)
    assert reloaded.answers[-1]["type"] == "snapshot"
    assert [(a["op_id"], a["rev"]) for a in reloaded.acks] == [(op_id, rev)]
    assert reloaded.errors == []

    # The others heard of it once.
    await assert_converged(board, [bob, reloaded])
    assert [f["rev"] for f in bob.frames if f.get("op_id") == op_id] == [rev]


async def test_a_client_that_lost_its_unacked_op_re_sends_it_after_reconnecting(
    clients, board, members
):
    """The model's own path: an edit made while offline is sent after the sync; one sent
    just before the socket dropped comes back in `patches` and is not sent again."""
    alice = clients(members["editor"], board, "alice")
    bob = clients(members["facilitator"], board, "bob")
    await alice.connect()
    await bob.connect()
    sent = await alice.edit([{"op": "board.update", "title": "Sent, then the socket dropped"}])
    await alice.disconnect()
    offline = await alice.edit([{"op": "card.create", "id": new_id(), "kind": "note"}])
    assert [e.op_id for e in alice.pending] == [sent, offline]
    await alice.connect()
    await alice.pump(until=lambda: not alice.pending)
    assert [p["op_id"] for p in alice.answers[-1]["patches"]] == [sent]
    assert [a["op_id"] for a in alice.acks] == [offline]
    await assert_converged(board, [alice, bob])


async def test_clients_converge_although_the_channel_layer_drops_patches(
    clients, board, members, monkeypatch
):
    lossy = LossyBroadcasts(monkeypatch, every=3)
    people = [members["editor"], members["facilitator"], members["owner"]]
    crowd = [clients(user, board, f"client{n}") for n, user in enumerate(people)]
    for client in crowd:
        await client.connect()
    rng = random.Random(5)
    for turn in range(36):
        author = crowd[turn % 3]
        await author.edit(random_edit(rng.randrange, author.view(), size=rng.choice([1, 2])))
        if turn % 4 == 3:  # now and then, everyone reads what came in
            for client in crowd:
                await client.pump()
    await assert_converged(board, crowd)
    assert lossy.dropped == lossy.sent // 3 > 0
    # Every lost patch was noticed by every client: through a later patch (a gap), an ack
    # whose patch never came, or the heartbeat's pong.
    for client in crowd:
        noticed = client.syncs["gap"] + client.syncs["ack"] + client.syncs["pong"]
        assert noticed >= 1, client.syncs


async def test_the_heartbeat_catches_up_a_lost_last_patch(clients, board, members, monkeypatch):
    alice = clients(members["editor"], board, "alice")
    bob = clients(members["viewer"], board, "bob")
    await alice.connect()
    await bob.connect()
    before = bob.rev
    lossy = LossyBroadcasts(monkeypatch, every=1)  # the next broadcasts are all lost

    await alice.edit([{"op": "board.update", "title": "Nobody heard this"}])
    await alice.pump(until=lambda: not alice.pending)
    assert lossy.dropped == 1
    # The author got its ack but never its patch: it synced for the ack.
    assert alice.syncs["ack"] == 1
    assert alice.confirmed["board"]["title"] == "Nobody heard this"

    # Bob heard nothing: still at the old revision until the heartbeat.
    assert bob.rev == before
    pong = await bob.ping()
    assert pong["rev"] == before + 1
    assert bob.syncs["pong"] == 1
    await bob.pump()
    assert bob.answers[-1]["type"] == "patches"
    assert [p["rev"] for p in bob.answers[-1]["patches"]] == [before + 1]
    assert bob.confirmed["board"]["title"] == "Nobody heard this"
    assert canonical(bob.confirmed) == await db_state(board)
    await assert_converged(board, [alice, bob])
