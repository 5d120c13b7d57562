"""The live protocol's frames as a client sees them (docs/protocol.md, "Frames"):
welcome, sync in its four cases, ping, presence, joined and left."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings

from boards.models import Arrow, Card, CardKind
from tests.ws import LossyBroadcasts, new_id, ping, receive_type, send_ops

pytestmark = pytest.mark.django_db(transaction=True)


async def _all(queryset) -> list:
    return [item async for item in queryset]


async def test_it_welcomes_with_role_capabilities_revision_epoch_and_limits(
    sockets, board, members
):
    editor, connected = await sockets.open(members["editor"], board)
    assert connected
    welcome = await editor.receive_json_from(timeout=5)
    assert welcome == {
        "type": "welcome",
        "board": str(board.pk),
        "rev": 0,
        "epoch": 1,
        "you": {
            "session": welcome["you"]["session"],
            "user": members["editor"].pk,
            "name": "Editor Person",
            "role": "editor",
            "colour": welcome["you"]["colour"],
            # What the editor may do, by capability (journeymap.access.Can).
            "can": {
                "view_organisation": True,
                "rename_organisation": False,
                "manage_members": False,
                "create_board": True,
                "manage_sharing": False,
                "view_audit_log": False,
                "view_board": True,
                "edit_board": True,
                "facilitate": False,
                "save_template": True,
                "export_board": True,
                "snapshot_board": True,
                "restore_board": False,
                "share_board": False,
                "archive_board": False,
                "delete_board": False,
            },
        },
        "limits": {
            "max_frame_bytes": settings.WEBSOCKET_MAX_FRAME_BYTES,
            "max_ops": settings.WEBSOCKET_MAX_OPS,
            "rate": settings.WEBSOCKET_RATE,
            "burst": settings.WEBSOCKET_BURST,
            "presence_hz": settings.PRESENCE_HZ,
        },
        # The room as this person sees it (tests/test_workshop_protocol.py).
        "workshop": welcome["workshop"],
    }
    assert welcome["workshop"]["timer"] is None
    assert welcome["you"]["session"]
    assert len(welcome["you"]["colour"]) == 7
    assert welcome["you"]["colour"].startswith("#")


async def test_it_gives_each_page_its_own_session(sockets, board, members):
    _, welcome_first, _ = await sockets.join(members["editor"], board)
    _, welcome_second, _ = await sockets.join(members["editor"], board)
    assert welcome_first["you"]["user"] == welcome_second["you"]["user"]
    assert welcome_first["you"]["session"] != welcome_second["you"]["session"]


async def test_it_welcomes_with_the_current_revision(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    ack = await send_ops(editor, [{"op": "board.update", "title": "Renamed"}])
    _, welcome, _ = await sockets.join(members["viewer"], board)
    assert welcome["rev"] == ack["rev"] == 1


async def test_it_answers_a_fresh_sync_with_the_whole_board(sockets, board, members):
    phases = await _all(board.phases.order_by("position"))
    card = await Card.objects.aget(board=board, text="Instagram ad")
    gone = await Card.objects.acreate(
        id=uuid.uuid4(), board=board, kind=CardKind.NOTE, text="Binned", deleted=True
    )
    await Arrow.objects.acreate(
        id=uuid.uuid4(), board=board, from_card=card, to_card=gone, deleted=True
    )
    _, _, snapshot = await sockets.join(members["viewer"], board)
    assert snapshot["type"] == "snapshot"
    assert snapshot["rev"] == 0
    assert snapshot["epoch"] == 1
    state = snapshot["state"]
    assert state["board"] == {
        "id": str(board.pk),
        "title": "Webshop lifecycle",
        "framework": "clm4",
        "stage": "",
        "locked": False,
        "rev": 0,
        "epoch": 1,
    }
    assert [(p["position"], p["name"]) for p in state["phases"]] == [
        (0, "Awareness"),
        (1, "Consideration"),
        (2, "Purchase"),
        (3, "Loyalty"),
    ]
    assert [p["id"] for p in state["phases"]] == [str(p.id) for p in phases]
    assert state["phases"][0]["colour"] == phases[0].colour
    assert state["phases"][0]["kpis"] == []
    cards = {c["text"]: c for c in state["cards"]}
    assert set(cards) == {"Instagram ad", "Welcome e-mail"}  # not the deleted one
    assert cards["Instagram ad"] == {
        "id": str(card.id),
        "kind": "touchpoint",
        "phase": str(phases[0].id),
        "x": 0,
        "y": 0,
        "w": 180,
        "h": 110,
        "text": "Instagram ad",
        "colour": "",
        "channel": "",
        "priority": "",
        "owner": None,
        "kpi": "",
        "locked": False,
        "status": "",
        "due": "",
        "author": members["owner"].pk,
    }
    assert cards["Welcome e-mail"]["phase"] == str(phases[1].id)
    assert cards["Welcome e-mail"]["x"] == 420
    arrow = await Arrow.objects.aget(board=board, deleted=False)
    assert state["arrows"] == [
        {
            "id": str(arrow.id),
            "from": str(card.id),
            "to": cards["Welcome e-mail"]["id"],
            "label": "40%",
            "weight": None,
            "movement": "fall_back",
        }
    ]


async def test_it_answers_a_sync_at_the_current_revision_with_no_patches(sockets, board, members):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    await send_ops(editor, [{"op": "board.update", "title": "Renamed"}])
    await receive_type(editor, "patch")
    await editor.send_json_to({"type": "sync", "rev": 1, "epoch": snapshot["epoch"]})
    reply = await receive_type(editor, {"snapshot", "patches"})
    assert reply == {"type": "patches", "from_rev": 1, "rev": 1, "epoch": 1, "patches": []}


async def test_it_answers_a_sync_from_an_old_revision_with_the_patches_in_order(
    sockets, board, members
):
    editor, _, snapshot = await sockets.join(members["editor"], board)
    phase = snapshot["state"]["phases"][0]["id"]
    card = new_id()
    batches = [
        [{"op": "card.create", "id": card, "kind": "note", "phase": phase}],
        [{"op": "card.update", "id": card, "text": "Second"}],
        [{"op": "board.update", "title": "Third"}],
    ]
    broadcast = []
    for ops in batches:
        ack = await send_ops(editor, ops)
        assert ack["type"] == "ack"
        broadcast.append(await receive_type(editor, "patch"))

    late, _, reply = await sockets.join(members["viewer"], board, rev=0, epoch=1)
    assert reply["type"] == "patches"
    assert reply["from_rev"] == 0
    assert reply["rev"] == 3
    assert reply["epoch"] == 1
    assert [p["rev"] for p in reply["patches"]] == [1, 2, 3]
    assert reply["patches"] == [
        {"rev": p["rev"], "op_id": p["op_id"], "by": members["editor"].pk, "ops": p["ops"]}
        for p in broadcast
    ]
    assert reply["patches"][1]["ops"] == [{"op": "card.update", "id": card, "text": "Second"}]

    # From the middle: only what came after.
    await late.send_json_to({"type": "sync", "rev": 2, "epoch": 1})
    reply = await receive_type(late, {"snapshot", "patches"})
    assert reply["from_rev"] == 2
    assert [p["rev"] for p in reply["patches"]] == [3]


async def test_it_answers_a_sync_of_another_epoch_with_a_snapshot(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    await send_ops(editor, [{"op": "board.update", "title": "Renamed"}])
    await receive_type(editor, "patch")
    await editor.send_json_to({"type": "sync", "rev": 0, "epoch": 2})
    reply = await receive_type(editor, {"snapshot", "patches"})
    assert reply["type"] == "snapshot"
    assert reply["rev"] == 1
    assert reply["epoch"] == 1
    assert reply["state"]["board"]["title"] == "Renamed"


async def test_it_answers_a_sync_after_the_op_log_was_pruned_with_a_snapshot(
    sockets, board, members
):
    editor, _, _ = await sockets.join(members["editor"], board)
    for title in ("One", "Two"):
        await send_ops(editor, [{"op": "board.update", "title": title}])
        await receive_type(editor, "patch")
    await board.oplog.filter(rev=1).adelete()
    await editor.send_json_to({"type": "sync", "rev": 0, "epoch": 1})
    reply = await receive_type(editor, {"snapshot", "patches"})
    assert reply["type"] == "snapshot"
    assert reply["rev"] == 2
    assert reply["state"]["board"]["title"] == "Two"


async def test_it_answers_ping_with_the_current_revision(sockets, board, members, monkeypatch):
    editor, _, _ = await sockets.join(members["editor"], board)
    assert await ping(editor) == {"type": "pong", "rev": 0, "epoch": 1}
    viewer, _, _ = await sockets.join(members["viewer"], board)
    LossyBroadcasts(monkeypatch, every=1)
    await send_ops(editor, [{"op": "board.update", "title": "Renamed"}])
    # A page that missed the patch learns from the pong that it is behind.
    assert await ping(viewer) == {"type": "pong", "rev": 1, "epoch": 1}


async def test_it_passes_presence_to_the_others_but_not_back_to_the_sender(sockets, board, members):
    alice, alice_welcome, snapshot = await sockets.join(members["editor"], board)
    bob, bob_welcome, _ = await sockets.join(members["viewer"], board)
    card = snapshot["state"]["cards"][0]["id"]
    await alice.send_json_to(
        {
            "type": "presence",
            "cursor": {"x": 10, "y": -20.5},
            "selection": [card],
            "editing": card,
            "dragging": {"ids": [card], "dx": 5, "dy": 0},
        }
    )
    seen_by_bob = await receive_type(bob, "presence")
    assert seen_by_bob == {
        "type": "presence",
        "session": alice_welcome["you"]["session"],
        "cursor": {"x": 10, "y": -20.5},
        "selection": [card],
        "editing": card,
        "dragging": {"ids": [card], "dx": 5, "dy": 0},
    }
    # Bob's presence goes out after Alice's, through the same group: if the server sent
    # Alice her own, it would reach her first.
    await bob.send_json_to({"type": "presence", "cursor": None})
    seen_by_alice = await receive_type(alice, "presence")
    assert seen_by_alice == {
        "type": "presence",
        "session": bob_welcome["you"]["session"],
        "cursor": None,
    }
    assert (await ping(alice))["type"] == "pong"
    assert (await ping(bob))["type"] == "pong"


async def test_it_announces_who_joins_to_both_sides(sockets, board, members):
    alice, alice_welcome, _ = await sockets.join(members["editor"], board)
    bob, connected = await sockets.open(members["viewer"], board)
    assert connected
    bob_welcome = await bob.receive_json_from(timeout=5)
    assert bob_welcome["type"] == "welcome"

    # The others see a person: `you` without its `can`, which is for you alone.
    bob_person = {k: v for k, v in bob_welcome["you"].items() if k != "can"}
    alice_person = {k: v for k, v in alice_welcome["you"].items() if k != "can"}
    assert await receive_type(alice, "joined") == {"type": "joined", **bob_person}
    assert await receive_type(bob, "joined") == {"type": "joined", **alice_person}
    assert bob_welcome["you"]["role"] == "viewer"
    assert bob_welcome["you"]["name"] == "Viewer Person"


async def test_it_tells_the_others_when_a_page_closes(sockets, board, members):
    alice, _, _ = await sockets.join(members["editor"], board)
    bob, bob_welcome, _ = await sockets.join(members["viewer"], board)
    await receive_type(alice, "joined")
    await bob.disconnect()
    assert await receive_type(alice, "left") == {
        "type": "left",
        "session": bob_welcome["you"]["session"],
    }
