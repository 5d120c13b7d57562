"""Who may open a board's socket and write through it, and how changes of access made
elsewhere (memberships, board deletion, HTTP edits) reach open sockets
(docs/protocol.md, "Connecting" and "Close codes")."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from boards.actions import board_delete
from boards.models import Board, Card, OpLog
from journeymap.actions import membership_change_role, membership_remove
from journeymap.models import Membership
from tests.ws import new_id, ping, receive_close, receive_type, send_ops, stored

pytestmark = pytest.mark.django_db(transaction=True)

NOTHING = frozenset()  # receive_close(skip=NOTHING): not one frame before the close


def _create(card_id: str) -> list[dict]:
    return [{"op": "card.create", "id": card_id, "kind": "note", "text": "Mine"}]


async def _membership(org, user) -> Membership:
    return await Membership.objects.aget(organisation=org, user=user)


# Connecting and writing, by role.


@pytest.mark.parametrize("role", ["owner", "admin", "facilitator", "editor"])
async def test_it_lets_members_who_edit_read_and_write(sockets, board, members, role):
    communicator, welcome, snapshot = await sockets.join(members[role], board)
    assert welcome["you"]["role"] == role
    assert snapshot["type"] == "snapshot"
    assert len(snapshot["state"]["cards"]) == 2
    card = new_id()
    ack = await send_ops(communicator, _create(card))
    assert ack["type"] == "ack"
    assert ack["rev"] == 1
    stored_card = await Card.objects.aget(id=card)
    assert stored_card.author_id == members[role].pk
    assert (await Board.objects.aget(pk=board.pk)).rev == 1


async def test_it_lets_a_viewer_read_but_not_write(sockets, board, members):
    viewer, welcome, snapshot = await sockets.join(members["viewer"], board)
    assert welcome["you"]["role"] == "viewer"
    assert snapshot["type"] == "snapshot"
    assert {card["text"] for card in snapshot["state"]["cards"]} == {
        "Instagram ad",
        "Welcome e-mail",
    }
    before = await stored(board.pk)
    card = new_id()
    error = await send_ops(viewer, _create(card))
    assert error["code"] == "forbidden"
    assert not await Card.objects.filter(id=card).aexists()
    assert await stored(board.pk) == before
    assert (await ping(viewer))["type"] == "pong"


async def test_it_closes_with_4404_for_someone_outside_the_organisation(sockets, board, outsider):
    communicator, connected = await sockets.open(outsider, board)
    assert connected  # accepted, then closed: the code tells the client why
    assert await receive_close(communicator, skip=NOTHING) == 4404


async def test_it_closes_with_4404_for_a_board_that_does_not_exist(sockets, members):
    communicator, connected = await sockets.open(
        members["owner"], None, path=f"/ws/boards/{uuid.uuid4()}/"
    )
    assert connected
    assert await receive_close(communicator, skip=NOTHING) == 4404


async def test_it_closes_with_4401_for_someone_not_logged_in(sockets, board):
    communicator, connected = await sockets.open(None, board)
    assert connected
    assert await receive_close(communicator, skip=NOTHING) == 4401


async def test_it_ignores_frames_from_a_socket_it_is_closing(sockets, board, outsider):
    communicator, _ = await sockets.open(outsider, board)
    assert await receive_close(communicator, skip=NOTHING) == 4404
    before = await stored(board.pk)
    await communicator.send_json_to({"type": "op", "op_id": new_id(), "ops": _create(new_id())})
    await communicator.send_json_to({"type": "sync", "rev": None, "epoch": None})
    # The consumer handles its input in order: once it has handled the disconnect, it
    # has handled the frames before it.
    await communicator.disconnect()
    assert await communicator.receive_nothing(timeout=0)
    assert await stored(board.pk) == before


@pytest.mark.parametrize(
    "origin",
    [
        b"http://evil.example",
        b"https://evil.example",
        b"http://testserver.evil.example",
        b"https://testserver",
        b"http://testserver:8000",
        b"null",
        b"",  # no Origin header at all
    ],
)
async def test_it_refuses_the_handshake_from_a_foreign_or_missing_origin(
    sockets, board, members, origin
):
    _, connected = await sockets.open(members["owner"], board, origin=origin)
    assert connected is False


async def test_it_accepts_the_handshake_from_an_allowed_origin(sockets, board, members):
    communicator, connected = await sockets.open(
        members["owner"], board, origin=b"http://localhost:8000"
    )
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "welcome"


# Access changed while connected.


async def test_removing_a_member_closes_their_sockets_with_4410(sockets, org, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    owner, _, _ = await sockets.join(members["owner"], board)
    membership = await _membership(org, members["editor"])
    await sync_to_async(membership_remove)(membership=membership)

    assert await receive_close(editor) == 4410
    assert not await Membership.objects.filter(pk=membership.pk).aexists()
    # Only theirs: the others stay.
    assert (await ping(owner))["type"] == "pong"


async def test_a_demoted_editor_is_told_and_can_no_longer_write(sockets, org, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    membership = await _membership(org, members["editor"])
    await sync_to_async(membership_change_role)(membership=membership, role="viewer")

    role = await receive_type(editor, "role")
    assert role["role"] == "viewer"
    assert role["can"]["view_board"] is True
    assert role["can"]["edit_board"] is False
    before = await stored(board.pk)
    card = new_id()
    error = await send_ops(editor, _create(card))
    assert error["code"] == "forbidden"
    assert await stored(board.pk) == before
    assert not await Card.objects.filter(id=card).aexists()
    # Still on the board as a viewer.
    assert (await ping(editor))["type"] == "pong"


async def test_a_promoted_viewer_is_told_and_can_write(sockets, org, board, members):
    viewer, _, _ = await sockets.join(members["viewer"], board)
    membership = await _membership(org, members["viewer"])
    await sync_to_async(membership_change_role)(membership=membership, role="editor")

    role = await receive_type(viewer, "role")
    assert role["role"] == "editor"
    assert role["can"]["edit_board"] is True
    assert role["can"]["facilitate"] is False
    card = new_id()
    assert (await send_ops(viewer, _create(card)))["type"] == "ack"
    assert await Card.objects.filter(id=card).aexists()


async def test_a_demotion_holds_even_if_the_message_to_the_socket_is_lost(
    sockets, org, board, members
):
    editor, _, _ = await sockets.join(members["editor"], board)
    # Straight in the database: no channel-layer message, no `role` frame.
    await Membership.objects.filter(organisation=org, user=members["editor"]).aupdate(role="viewer")
    before = await stored(board.pk)
    card = new_id()
    error = await send_ops(editor, _create(card))
    assert error["code"] == "forbidden"
    assert await stored(board.pk) == before


async def test_a_removal_holds_even_if_the_message_to_the_socket_is_lost(
    sockets, org, board, members
):
    editor, _, _ = await sockets.join(members["editor"], board)
    await Membership.objects.filter(organisation=org, user=members["editor"]).adelete()
    before = await stored(board.pk)
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": _create(new_id())})
    assert await receive_close(editor) == 4410
    assert await stored(board.pk) == before


async def test_a_removed_member_s_sync_is_refused(sockets, org, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    await Membership.objects.filter(organisation=org, user=members["editor"]).adelete()
    await editor.send_json_to({"type": "sync", "rev": None, "epoch": None})
    assert await receive_close(editor) == 4410


async def test_a_removed_member_s_ping_is_refused_even_if_the_message_is_lost(
    sockets, org, board, members
):
    # A viewer never writes: without the heartbeat's check, a socket whose "membership
    # changed" message was lost would go on receiving the board's patches.
    viewer, _, _ = await sockets.join(members["viewer"], board)
    await Membership.objects.filter(organisation=org, user=members["viewer"]).adelete()
    await viewer.send_json_to({"type": "ping"})
    assert await receive_close(viewer) == 4410


async def test_deleting_the_board_closes_its_sockets_with_4410(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    viewer, _, _ = await sockets.join(members["viewer"], board)
    await sync_to_async(board_delete)(board=await Board.objects.aget(pk=board.pk))

    assert await receive_close(editor) == 4410
    assert await receive_close(viewer) == 4410
    assert not await Board.objects.filter(pk=board.pk).aexists()
    assert not await Card.objects.filter(board_id=board.pk).aexists()
    assert not await OpLog.objects.filter(board_id=board.pk).aexists()


# Signed out while connected: a socket outlives the request that opened it.


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def test_a_logout_elsewhere_closes_the_socket_on_its_next_op(sockets, board, members):
    client = await sync_to_async(_logged_in)(members["editor"])
    editor, _, _ = await sockets.join(members["editor"], board, client=client)
    assert (await sync_to_async(client.post)("/accounts/logout/")).status_code == 302
    before = await stored(board.pk)
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": _create(new_id())})
    assert await receive_close(editor) == 4401
    assert await stored(board.pk) == before


async def test_a_logout_closes_a_watching_socket_on_its_next_ping_or_sync(sockets, board, members):
    client = await sync_to_async(_logged_in)(members["viewer"])
    pinging, _, _ = await sockets.join(members["viewer"], board, client=client)
    syncing, _, _ = await sockets.join(members["viewer"], board, client=client)
    await sync_to_async(client.post)("/accounts/logout/")
    await pinging.send_json_to({"type": "ping"})
    assert await receive_close(pinging) == 4401
    await syncing.send_json_to({"type": "sync", "rev": None, "epoch": None})
    assert await receive_close(syncing) == 4401


async def test_a_password_changed_elsewhere_closes_the_socket(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board)
    owner, _, _ = await sockets.join(members["owner"], board)

    def change_password() -> None:
        user = type(members["editor"]).objects.get(pk=members["editor"].pk)
        user.set_password("a new one, set elsewhere")
        user.save(update_fields=["password"])

    await sync_to_async(change_password)()
    before = await stored(board.pk)
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": _create(new_id())})
    assert await receive_close(editor) == 4401
    assert await stored(board.pk) == before
    # Only theirs: the others write on.
    assert (await send_ops(owner, _create(new_id())))["type"] == "ack"


async def test_a_password_changed_in_the_same_browser_asks_for_a_new_socket(
    sockets, board, members
):
    # Django keeps the browser that changed the password signed in, on a new session key
    # (the old session is deleted): the socket opened on the old one closes, and the
    # page's next socket, on the browser's new cookie, opens.
    members["editor"].set_password("the old one")
    await members["editor"].asave(update_fields=["password"])
    client = await sync_to_async(_logged_in)(members["editor"])
    editor, _, _ = await sockets.join(members["editor"], board, client=client)

    response = await sync_to_async(client.post)(
        "/accounts/password_change/",
        {
            "old_password": "the old one",
            "new_password1": "a much longer new one 42",
            "new_password2": "a much longer new one 42",
        },
    )
    assert response.status_code == 302
    await editor.send_json_to({"type": "ping"})
    assert await receive_close(editor) == 4401
    again, _, _ = await sockets.join(members["editor"], board, client=client)
    assert (await send_ops(again, _create(new_id())))["type"] == "ack"


async def test_a_deactivated_user_s_socket_closes_on_its_next_ping(sockets, board, members):
    viewer, _, _ = await sockets.join(members["viewer"], board)
    await type(members["viewer"]).objects.filter(pk=members["viewer"].pk).aupdate(is_active=False)
    await viewer.send_json_to({"type": "ping"})
    assert await receive_close(viewer) == 4401


# Edits made over HTTP reach the sockets.


async def test_an_http_rename_is_broadcast_as_a_patch(sockets, board, members):
    viewer, _, snapshot = await sockets.join(members["viewer"], board)
    editor, _, _ = await sockets.join(members["editor"], board)

    def rename() -> int:
        client = Client()
        client.force_login(members["editor"])
        response = client.post(f"/boards/{board.pk}/rename/", {"title": "  Spring campaign "})
        return response.status_code

    assert await sync_to_async(rename)() == 302
    patch = await receive_type(viewer, "patch")
    assert patch["rev"] == snapshot["rev"] + 1
    assert patch["epoch"] == 1
    assert patch["by"] == members["editor"].pk
    assert patch["ops"] == [{"op": "board.update", "title": "Spring campaign"}]
    assert await receive_type(editor, "patch") == patch

    board = await Board.objects.aget(pk=board.pk)
    assert (board.title, board.rev) == ("Spring campaign", 1)
    entry = await OpLog.objects.aget(board=board)
    assert (entry.rev, str(entry.op_id), entry.ops) == (1, patch["op_id"], patch["ops"])
    assert await ping(viewer) == {"type": "pong", "rev": 1, "epoch": 1}
