"""Group commit (boards/live/room.py, boards.live.commit.commit_requests): op frames that arrive
while a commit is running are committed together in the next transaction, each as its own
revision with its own ack, refusal and op-log row, and broadcast as one `bundle`."""

from __future__ import annotations

import asyncio
import copy
import random
import threading
from types import SimpleNamespace

import pytest
from channels.layers import get_channel_layer
from django.contrib.sessions.models import Session
from django.db import IntegrityError, OperationalError, transaction
from django.test import Client
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from boards.live import commit as ops
from boards.live import room as committer_module
from boards.live import room as fanout
from boards.live.commit import BoardGone, Commit, OpRequest, SignedOut, commit_requests
from boards.live.protocol import ProtocolError, clean_op
from boards.models import Board, Card, OpLog
from boards.selectors import board_state
from tests.factories import make_card
from tests.statemodel import Mismatch, apply_ops, canonical, empty_trash, random_edit
from tests.ws import new_id, receive_frame, receive_type

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held(monkeypatch):
    """Holds the first commit in the database thread until `release()`, so that frames
    sent meanwhile wait in the board's queue; `sizes` lists how many frames each commit
    took."""
    gate = threading.Event()
    sizes: list[int] = []
    original = committer_module.commit_requests

    def commit(*, board_id, requests):
        sizes.append(len(requests))
        if len(sizes) == 1:
            gate.wait(10)
        return original(board_id=board_id, requests=requests)

    monkeypatch.setattr(committer_module, "commit_requests", commit)
    yield SimpleNamespace(release=gate.set, sizes=sizes)
    gate.set()


async def queued(count: int) -> None:
    """Wait until `count` frames wait in a board's commit queue of this process."""
    hub = fanout.rooms(get_channel_layer())
    for _ in range(500):
        if sum(len(r.queue) for r in hub.rooms.values()) >= count:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the frames never reached the commit queue")


def move(card: str, x: float) -> list[dict]:
    return [{"op": "card.update", "id": card, "x": x}]


async def answer(communicator) -> dict:
    """The next ack or error, skipping the patches that go to everyone."""
    while True:
        frame = await receive_type(communicator, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame


async def raw_frame(communicator) -> dict:
    """The next message as sent, a bundle not unpacked; presence chatter skipped."""
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] not in {"joined", "left", "presence"}:
            return frame


async def test_frames_sent_during_a_commit_are_committed_together_each_its_own_revision(
    sockets, board, members, held
):
    observer, _, snapshot = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    authors = [
        (await sockets.join(members[role], board))[0]
        for role in ("editor", "facilitator", "admin", "owner", "editor")
    ]
    op_ids = [new_id() for _ in authors]
    await authors[0].send_json_to({"type": "op", "op_id": op_ids[0], "ops": move(card, 0)})
    await asyncio.sleep(0.1)  # the first commit is running (held)
    for n, author in enumerate(authors[1:], start=1):
        await author.send_json_to({"type": "op", "op_id": op_ids[n], "ops": move(card, n * 10)})
    await queued(4)
    held.release()

    acks = [await answer(author) for author in authors]
    assert acks == [{"type": "ack", "op_id": op_ids[n], "rev": n + 1} for n in range(5)]
    assert held.sizes == [1, 4]
    # The watcher gets the first revision alone, then the other four in one message.
    first = await raw_frame(observer)
    assert first["type"] == "patch"
    assert first["rev"] == 1
    bundle = await raw_frame(observer)
    assert bundle["type"] == "bundle"
    assert [(f["type"], f["rev"], f["op_id"]) for f in bundle["frames"]] == [
        ("patch", n + 1, op_ids[n]) for n in range(1, 5)
    ]
    assert bundle["frames"][-1]["ops"] == move(card, 40)
    log = [
        (entry.rev, str(entry.op_id))
        async for entry in OpLog.objects.filter(board=board).order_by("rev")
    ]
    assert log == [(n + 1, op_ids[n]) for n in range(5)]
    assert (await Card.objects.aget(pk=card)).x == 40
    assert await Board.objects.values_list("rev", flat=True).aget(pk=board.pk) == 5


async def test_a_refused_frame_in_a_group_changes_nothing_and_the_others_commit(
    sockets, board, members, held
):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    viewer, _, _ = await sockets.join(members["viewer"], board)
    owner, _, _ = await sockets.join(members["owner"], board)
    card = snapshot["state"]["cards"][0]["id"]
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": move(card, 1)})
    await asyncio.sleep(0.1)
    frames = [
        (viewer, {"type": "op", "op_id": new_id(), "ops": move(card, 666)}),
        (
            owner,
            {
                "type": "op",
                "op_id": new_id(),
                # A batch whose second op is refused: its rename must not stick either.
                "ops": [{"op": "board.update", "title": "Half done"}, *move(new_id(), 5)],
            },
        ),
        (editor, {"type": "op", "op_id": new_id(), "ops": move(card, 2)}),
    ]
    for communicator, frame in frames:
        await communicator.send_json_to(frame)
    await queued(3)
    held.release()

    assert (await answer(editor))["rev"] == 1
    refused = await answer(viewer)
    assert (refused["code"], refused["op_id"]) == ("forbidden", frames[0][1]["op_id"])
    missing = await answer(owner)
    assert (missing["code"], missing["op_id"]) == ("not_found", frames[1][1]["op_id"])
    assert await answer(editor) == {
        "type": "ack",
        "op_id": frames[2][1]["op_id"],
        "rev": 2,
    }
    assert held.sizes == [1, 3]
    stored = await Board.objects.aget(pk=board.pk)
    assert (stored.rev, stored.title) == (2, "Webshop lifecycle")
    assert (await Card.objects.aget(pk=card)).x == 2
    assert await OpLog.objects.filter(board=board).acount() == 2


async def test_the_same_op_id_twice_in_one_group_is_applied_once(sockets, board, members, held):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    observer, _, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": move(card, 1)})
    await asyncio.sleep(0.1)
    again = new_id()
    for _ in range(2):  # e.g. re-sent after a reconnect to this process
        await editor.send_json_to({"type": "op", "op_id": again, "ops": move(card, 7)})
    await queued(2)
    held.release()
    acks = [await answer(editor) for _ in range(3)]
    assert [a["rev"] for a in acks] == [1, 2, 2]
    assert acks[1] == acks[2] == {"type": "ack", "op_id": again, "rev": 2}
    patches = [await receive_frame(observer) for _ in range(2)]
    assert [(p["type"], p["rev"]) for p in patches] == [("patch", 1), ("patch", 2)]
    assert await OpLog.objects.filter(board=board, op_id=again).acount() == 1
    assert await Board.objects.values_list("rev", flat=True).aget(pk=board.pk) == 2


def test_it_returns_one_outcome_per_frame_in_order(board, members, outsider):
    card = str(board.cards.first().pk)
    first, repeated = new_id(), new_id()
    outcomes = commit_requests(
        board_id=board.pk,
        requests=[
            OpRequest(members["editor"], first, move(card, 10)),
            OpRequest(members["viewer"], new_id(), move(card, 20)),
            OpRequest(outsider, new_id(), move(card, 30)),
            OpRequest(members["owner"], new_id(), [{"op": "card.delete", "id": new_id()}]),
            OpRequest(members["owner"], repeated, [{"op": "board.update", "title": "Renamed"}]),
            OpRequest(members["editor"], first, move(card, 99)),
        ],
    )
    kinds = [type(outcome) for outcome in outcomes]
    assert kinds == [Commit, ProtocolError, BoardGone, ProtocolError, Commit, Commit]
    assert [outcomes[0].rev, outcomes[4].rev] == [1, 2]
    assert (outcomes[1].code, outcomes[3].code) == ("forbidden", "not_found")
    assert outcomes[5].duplicate
    assert outcomes[5].rev == 1
    board.refresh_from_db()
    assert (board.rev, board.title, board.updated_by) == (2, "Renamed", members["owner"])
    assert Card.objects.get(pk=card).x == 10
    assert list(OpLog.objects.filter(board=board).values_list("rev", flat=True)) == [1, 2]


def test_it_refuses_the_frames_of_a_session_that_no_longer_signs_its_sender_in(board, members):
    """A socket's frame carries its session key: the commit reads the senders' accounts
    and sessions with the rest, so a logout, a password change or a deactivation made
    since the socket opened refuses the frame (SignedOut, the socket closes with 4401),
    and only that sender's frames."""
    card = str(board.cards.first().pk)

    def session_of(user) -> str:
        client = Client()
        client.force_login(user)
        return client.session.session_key

    editor, gone, deactivated = (
        session_of(members["editor"]),
        session_of(members["facilitator"]),
        session_of(members["admin"]),
    )
    Session.objects.filter(session_key=gone).delete()  # what logging out does
    type(members["admin"]).objects.filter(pk=members["admin"].pk).update(is_active=False)
    outcomes = commit_requests(
        board_id=board.pk,
        requests=[
            OpRequest(members["editor"], new_id(), move(card, 10), session_key=editor),
            OpRequest(members["facilitator"], new_id(), move(card, 20), session_key=gone),
            OpRequest(members["admin"], new_id(), move(card, 30), session_key=deactivated),
            OpRequest(members["editor"], new_id(), move(card, 40), session_key=gone),
            OpRequest(members["owner"], new_id(), move(card, 50)),  # HTTP: checked there
        ],
    )
    kinds = [type(outcome) for outcome in outcomes]
    assert kinds == [Commit, SignedOut, SignedOut, SignedOut, Commit]
    assert Card.objects.get(pk=card).x == 50
    assert OpLog.objects.filter(board=board).count() == 2


def test_a_frame_the_database_refuses_fails_alone(board, members, monkeypatch):
    """Should the database refuse a write that the checks let through, the group is rolled
    back and every frame committed on its own: only the one at fault is refused."""
    original = ops._Group.write

    def write(work):
        if work.board.title == "Refused by the database":
            raise IntegrityError("refused")
        original(work)

    monkeypatch.setattr(ops._Group, "write", write)
    card = str(board.cards.first().pk)
    requests = [
        OpRequest(members["editor"], new_id(), move(card, 10)),
        OpRequest(
            members["editor"],
            new_id(),
            [{"op": "board.update", "title": "Refused by the database"}],
        ),
        OpRequest(members["editor"], new_id(), move(card, 20)),
    ]
    outcomes = commit_requests(board_id=board.pk, requests=requests)
    assert [type(outcome) for outcome in outcomes] == [Commit, ProtocolError, Commit]
    assert (outcomes[1].code, outcomes[1].op_id) == ("invalid", requests[1].op_id)
    assert [outcomes[0].rev, outcomes[2].rev] == [1, 2]
    board.refresh_from_db()
    assert (board.rev, board.title) == (2, "Webshop lifecycle")
    assert Card.objects.get(pk=card).x == 20
    assert OpLog.objects.filter(board=board).count() == 2


async def test_a_poisoned_frame_is_refused_alone_and_every_other_frame_commits(
    sockets, board, members, held, monkeypatch
):
    """A frame whose write fails with something that is no DatabaseError (here text the
    database cannot encode, let past validation on purpose) is refused alone: the frames
    of other people committed in the same group are acked and stored."""
    from boards.live import consumer

    parse = consumer.parse_frame

    def poisoning_parse(text_data, **kwargs):
        frame = parse(text_data, **kwargs)
        for op in frame.get("ops", []):
            if op.get("text") == "POISON":
                op["text"] = "half an emoji \ud83d"
        return frame

    monkeypatch.setattr(consumer, "parse_frame", poisoning_parse)
    first, _, snapshot = await sockets.join(members["editor"], board)
    card = snapshot["state"]["cards"][0]["id"]
    others = [(await sockets.join(members[role], board))[0] for role in ("owner", "facilitator")]
    await first.send_json_to({"type": "op", "op_id": new_id(), "ops": move(card, 1)})
    await asyncio.sleep(0.1)  # the first commit is running (held)
    good_ids = [new_id(), new_id()]
    poisoned = new_id()
    created = new_id()
    await others[0].send_json_to(
        {
            "type": "op",
            "op_id": good_ids[0],
            "ops": [{"op": "card.create", "id": created, "kind": "note", "text": "kept"}],
        }
    )
    await first.send_json_to(
        {
            "type": "op",
            "op_id": poisoned,
            "ops": [{"op": "card.update", "id": card, "text": "POISON"}],
        }
    )
    await others[1].send_json_to({"type": "op", "op_id": good_ids[1], "ops": move(card, 99)})
    await queued(3)
    held.release()

    assert (await answer(first))["type"] == "ack"
    refused = await answer(first)
    assert (refused["type"], refused["code"], refused["op_id"]) == ("error", "invalid", poisoned)
    for socket, op_id in zip(others, good_ids, strict=True):
        ack = await answer(socket)
        assert (ack["type"], ack["op_id"]) == ("ack", op_id)
    assert held.sizes[1] == 3
    assert (await Card.objects.aget(pk=created)).text == "kept"
    assert (await Card.objects.aget(pk=card)).x == 99
    await first.send_json_to({"type": "ping"})  # the poisoned frame's socket stays open
    while (await receive_type(first, {"patch", "pong"}))["type"] != "pong":
        pass


def test_an_outage_fails_every_frame_of_the_group_alike(board, members, monkeypatch):
    """The database unreachable: no frame is at fault, none is refused; each outcome is
    the error, which its socket answers with a close (4011) its client re-sends after."""

    def write(work):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ops._Group, "write", write)
    card = str(board.cards.first().pk)
    outcomes = commit_requests(
        board_id=board.pk,
        requests=[OpRequest(members["editor"], new_id(), move(card, x)) for x in (1, 2)],
    )
    assert [type(outcome) for outcome in outcomes] == [OperationalError, OperationalError]


def test_a_write_the_database_refuses_changes_nothing(board, members):
    """The writes go out together (on PostgreSQL in one pipeline): a refusal among them
    still rolls all of them back, and the frame is refused with `invalid`."""
    card = board.cards.first()
    OpLog.objects.create(board=board, rev=board.rev + 1, op_id=new_id(), ops=[])  # taken
    [outcome] = commit_requests(
        board_id=board.pk,
        requests=[OpRequest(members["editor"], new_id(), move(str(card.pk), 123))],
    )
    assert isinstance(outcome, ProtocolError)
    assert outcome.code == "invalid"
    card.refresh_from_db()
    board.refresh_from_db()
    assert card.x != 123
    assert board.rev == 0
    assert OpLog.objects.filter(board=board).count() == 1


def test_a_card_deleted_with_its_phase_comes_back_without_it_in_one_group(board, members):
    """Hypothesis found this one: a phase deleted with its cards, then one of them restored
    (an undo) in the same group. The restore's patch carried the deleted phase, so every
    page put the card into a phase that no longer exists."""
    phase = board.phases.order_by("position").first()
    card = Card.objects.filter(phase=phase).first() or make_card(
        board, phase=phase, kind="touchpoint", text="Survey"
    )

    def requests():
        return [
            OpRequest(
                members["editor"],
                new_id(),
                [{"op": "phase.delete", "id": str(phase.pk), "cards": "delete"}],
            ),
            OpRequest(members["owner"], new_id(), [{"op": "card.restore", "id": str(card.pk)}]),
        ]

    grouped = _committed(board, requests(), [2])
    assert grouped[0][1][3][0]["card"]["phase"] is None
    # The same, frame by frame, as the property below compares (op ids aside).
    one_by_one = _committed(board, requests(), [1, 1])
    assert grouped[0] == one_by_one[0]
    assert grouped[1] == one_by_one[1]
    outcomes = commit_requests(board_id=board.pk, requests=requests())
    assert outcomes[1].ops[0]["card"]["phase"] is None
    card.refresh_from_db()
    assert (card.deleted, card.phase) == (False, None)


# The property: a group commit is the same as committing its frames one after the other.


def _outcome(outcome) -> tuple:
    if isinstance(outcome, Commit):
        return ("ack", outcome.rev, outcome.duplicate, outcome.ops)
    if isinstance(outcome, ProtocolError):
        return ("error", outcome.code)
    return (type(outcome).__name__,)


def _committed(board, requests, sizes: list[int]) -> tuple[list, dict, list]:
    """Commit `requests` in groups of `sizes`, read back, and roll all of it back."""
    outcomes = []
    with transaction.atomic():
        start = 0
        for size in [*sizes, len(requests)]:
            group = requests[start : start + size]
            if group:
                outcomes += commit_requests(board_id=board.pk, requests=group)
            start += size
        state = canonical(board_state(Board.objects.get(pk=board.pk)))
        log = list(
            OpLog.objects.filter(board=board).order_by("rev").values_list("rev", "op_id", "ops")
        )
        transaction.set_rollback(True)
    return [_outcome(o) for o in outcomes], state, log


def _schedule(seed: int, board, users) -> list[OpRequest]:
    """Frames as several people on stale views would send them: some refused (their card
    deleted meanwhile, gone, or the sender a viewer), now and then one re-sent."""
    rng = random.Random(seed)
    truth = board_state(board)
    views = [copy.deepcopy(truth) for _ in users]
    pool = {"cards": set(), "arrows": set(), "phases": set(), "links": set()}
    requests: list[OpRequest] = []
    for _ in range(rng.randrange(4, 16)):
        who = rng.randrange(len(users))
        if requests and rng.randrange(8) == 0:
            repeated = rng.choice(requests)
            requests.append(OpRequest(users[who], repeated.op_id, repeated.ops))
            continue
        ops = random_edit(rng.randrange, views[who], pool, size=rng.choice([1, 1, 2, 3]))
        # As the socket hands them on: shape-checked, with defaults filled in.
        requests.append(OpRequest(users[who], new_id(), [clean_op(op) for op in ops]))
        after = copy.deepcopy(truth)
        try:
            apply_ops(after, ops, trash=empty_trash(), strict=True)
            truth = after
        except Mismatch:
            pass
        if rng.randrange(3) == 0:
            views[who] = copy.deepcopy(truth)
    return requests


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), cuts=st.lists(st.integers(1, 6), max_size=8))
def test_a_group_commit_equals_its_frames_committed_one_by_one(seed, cuts, board, members):
    users = [members["editor"], members["owner"], members["facilitator"], members["viewer"]]
    requests = _schedule(seed, board, users)
    one_by_one = _committed(board, requests, [1] * len(requests))
    grouped = _committed(board, requests, cuts)
    assert grouped == one_by_one
    for kind in {outcome[0] for outcome in one_by_one[0]}:
        event(kind)
