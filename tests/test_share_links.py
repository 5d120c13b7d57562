"""Read-only share links (boards/sharing.py, boards/views/sharing.py, ShareConsumer): who
makes and revokes them, what a guest sees over HTTP and the WebSocket, and that a link
that was revoked, expired, tampered with or turned off opens nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from django.utils import timezone

from boards.models import Board, Card, ShareLink
from boards.sharing import share_link_create, share_link_revoke
from journeymap.actions import organisation_set_sharing
from tests.helpers import page_text
from tests.ws import ping, receive_close, receive_type, send_ops, stored

NOTHING = frozenset()


@pytest.fixture
def link(board, members) -> ShareLink:
    return share_link_create(board=board, actor=members["facilitator"], label="Agency", days=None)


def shared(link) -> str:
    return reverse("shared_board", args=[link.token])


# Over HTTP


def test_anyone_with_a_live_link_sees_the_board_read_only(client_for, link):
    response = client_for("anonymous").get(shared(link))

    assert response.status_code == 200
    text = page_text(response)
    assert "through a read-only link" in text
    assert f'data-socket-path="/ws/share/{link.token}/"' in text
    assert 'data-can-edit="false"' in text
    can = json.loads(re.search(r'<script id="board-can"[^>]*>(.*?)</script>', text).group(1))
    assert [name for name, allowed in can.items() if allowed] == ["view_board"]
    assert "side-panel" not in text  # members' panels are not for guests


def test_a_link_without_live_updates_shows_the_board_as_it_is(client_for, board, members):
    link = share_link_create(board=board, actor=members["owner"], live_updates=False, days=7)

    text = page_text(client_for("outsider").get(shared(link)))

    assert "Reload the page to see later changes." in text
    assert "Instagram ad" in text
    assert "Welcome e-mail" in text
    assert "ws/share" not in text


@pytest.mark.parametrize(
    ("spoil", "status", "says"),
    [
        (
            lambda link: ShareLink.objects.filter(pk=link.pk).update(revoked=timezone.now()),
            410,
            "revoked",
        ),
        (
            lambda link: ShareLink.objects.filter(pk=link.pk).update(
                expires=timezone.now() - timedelta(minutes=1)
            ),
            410,
            "It has expired.",
        ),
        (
            lambda link: Board.objects.get(pk=link.board_id).organisation.__class__.objects.update(
                allow_share_links=False
            ),
            410,
            "turned share links off",
        ),
    ],
    ids=["revoked", "expired", "sharing-off"],
)
def test_a_link_that_no_longer_works_says_why(client_for, link, spoil, status, says):
    spoil(link)

    response = client_for("anonymous").get(shared(link))

    assert response.status_code == status
    assert says in page_text(response)
    assert "Instagram ad" not in page_text(response)


def test_a_tampered_token_is_not_found(client_for, link):
    response = client_for("anonymous").get(reverse("shared_board", args=[link.token[:-1] + "x"]))

    assert response.status_code == 404


def test_the_guest_gap_marks_come_from_the_link(client_for, link):
    marks = client_for("anonymous").get(reverse("shared_gaps_json", args=[link.token])).json()

    assert len(marks["uncovered"]) == 1
    share_link_revoke(link=link)
    assert (
        client_for("anonymous").get(reverse("shared_gaps_json", args=[link.token])).status_code
        == 403
    )


def test_a_facilitator_makes_a_link_and_sees_it_to_copy(client_for, board):
    client = client_for("facilitator")

    response = client.post(
        reverse("board_sharing", args=[board.id]),
        {"label": "Agency", "live": "on", "expires_in": "7"},
    )

    assert response.status_code == 302
    link = ShareLink.objects.get(board=board)
    assert link.live
    assert timedelta(days=6) < link.expires - timezone.now() <= timedelta(days=7)
    text = page_text(client.get(reverse("board_sharing", args=[board.id])))
    assert f"/s/{link.token}/" in text
    assert "Copy link" in text


def test_it_refuses_new_links_while_sharing_is_off(client_for, board, org):
    organisation_set_sharing(organisation=org, allow_exports=True, allow_share_links=False)

    client = client_for("owner")
    page = page_text(client.get(reverse("board_sharing", args=[board.id])))
    response = client.post(reverse("board_sharing", args=[board.id]), {"label": "x"})

    assert "Share links are turned off" in page
    assert response.status_code == 403
    assert not ShareLink.objects.exists()


def test_revoking_ends_the_link(client_for, board, link):
    client_for("facilitator").post(reverse("share_revoke", args=[board.id, link.id]))

    link.refresh_from_db()
    assert link.revoked is not None
    assert client_for("anonymous").get(shared(link)).status_code == 410


def test_an_admin_turns_exports_and_links_off(client_for, org):
    response = client_for("admin").post(reverse("organisation_sharing", args=[org.id]), {})

    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.allow_exports, org.allow_share_links) == (False, False)


# Over the WebSocket


async def _guest(link):
    from channels.testing import WebsocketCommunicator

    from journeymap.asgi import application
    from tests.ws import ORIGIN

    communicator = WebsocketCommunicator(
        application, f"/ws/share/{link.token}/", headers=[(b"origin", ORIGIN)]
    )
    connected, _ = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db(transaction=True)
async def test_a_guest_watches_live_and_changes_nothing(board, members, link):
    from tests.ws import join

    guest, connected = await _guest(link)
    assert connected
    welcome = await receive_type(guest, "welcome")
    assert welcome["you"]["role"] == "viewer"
    # A guest reads, and nothing else: no exports, no versions, whatever a viewer may.
    assert [name for name, allowed in welcome["you"]["can"].items() if allowed] == ["view_board"]
    await guest.send_json_to({"type": "sync", "rev": None, "epoch": None})
    snapshot = await receive_type(guest, "snapshot")
    assert {c["text"] for c in snapshot["state"]["cards"]} == {"Instagram ad", "Welcome e-mail"}

    before = await stored(board.pk)
    card = await sync_to_async(Card.objects.get)(board=board, text="Instagram ad")
    refused = await send_ops(guest, [{"op": "card.update", "id": str(card.id), "text": "Hacked"}])
    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert await stored(board.pk) == before

    member, _welcome, _reply = await join(members["editor"], board)
    await send_ops(member, [{"op": "card.update", "id": str(card.id), "text": "Reels ad"}])
    patch = await receive_type(guest, "patch")
    assert patch["ops"][0]["text"] == "Reels ad"
    await member.disconnect()
    await guest.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_revoking_closes_a_guests_socket_at_once(board, members, link):
    guest, _ = await _guest(link)
    await receive_type(guest, "welcome")

    await sync_to_async(share_link_revoke)(link=link)

    assert await receive_close(guest) == 4410


@pytest.mark.django_db(transaction=True)
async def test_turning_sharing_off_closes_guests(board, members, link, org):
    guest, _ = await _guest(link)
    await receive_type(guest, "welcome")

    await sync_to_async(organisation_set_sharing)(
        organisation=org, allow_exports=True, allow_share_links=False
    )

    assert await receive_close(guest) == 4410


@pytest.mark.django_db(transaction=True)
async def test_an_expired_link_ends_at_the_next_heartbeat(board, members, link):
    guest, _ = await _guest(link)
    await receive_type(guest, "welcome")
    assert (await ping(guest))["type"] == "pong"

    await sync_to_async(ShareLink.objects.filter(pk=link.pk).update)(
        expires=timezone.now() - timedelta(seconds=1)
    )
    await guest.send_json_to({"type": "ping"})

    assert await receive_close(guest) == 4410


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "code"), [("tampered", 4404), ("not-live", 4404), ("revoked", 4410)]
)
async def test_a_link_that_does_not_open_the_board_closes_at_once(board, members, kind, code):
    """4404 for a token that never opened the board live; 4410 for a link that did and no
    longer does, so that a guest who reconnects after a revoke reads that access ended."""
    link = await sync_to_async(share_link_create)(
        board=board, actor=members["owner"], live_updates=kind != "not-live", days=None
    )
    if kind == "tampered":
        link.token = link.token[:-2] + "zz"
    if kind == "revoked":
        await sync_to_async(share_link_revoke)(link=link)

    guest, connected = await _guest(link)

    assert connected
    assert await receive_close(guest, skip=NOTHING) == code


@pytest.mark.django_db(transaction=True)
async def test_a_guest_sees_members_names_but_not_their_ids_or_roles(board, members, link):
    from tests.ws import join

    # Present before the guest (told in presence.here) and after (told in presence.join).
    before, _welcome, _reply = await join(members["owner"], board)
    guest, _ = await _guest(link)
    await receive_type(guest, "welcome")
    already = await receive_type(guest, "joined")
    after, _welcome, _reply = await join(members["editor"], board)
    arrived = await receive_type(guest, "joined")

    assert {already["name"], arrived["name"]} == {"Olivia Owner", "Editor Person"}
    for frame in (already, arrived):
        assert set(frame) == {"type", "session", "name", "colour"}
    # Members still tell each other who is who.
    seen_by_member = await receive_type(before, "joined")
    if seen_by_member["user"] is None:  # the guest, who came first
        seen_by_member = await receive_type(before, "joined")
    assert seen_by_member["user"] == members["editor"].pk
    assert seen_by_member["role"] == "editor"
    for socket in (before, after, guest):
        await socket.disconnect()
