"""Workshop links (boards/guests.py, boards/views/guests.py, ShareConsumer): a facilitator
makes a link whose guests edit (or view), with an expiry and a passcode; a guest types a
name and is on the board, without an account, seeing nothing else of the organisation;
revoking the link ends them at once; a guest can make an account and keep their cards."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from boards.models import Card, Guest, ShareLink
from boards.sharing import share_link_create, share_link_revoke
from journeymap.access import Can
from journeymap.models import Membership, User
from tests.factories import make_card
from tests.helpers import page_text
from tests.ws import open_socket, receive_close, receive_type, send_ops, stored


@pytest.fixture
def workshop(board, members) -> ShareLink:
    return share_link_create(
        board=board, actor=members["facilitator"], label="Kick-off", days=1, role="editor"
    )


@pytest.fixture
def locked(board, members) -> ShareLink:
    return share_link_create(
        board=board, actor=members["facilitator"], days=None, role="editor", passcode="tulip"
    )


def shared(link) -> str:
    return reverse("shared_board", args=[link.token])


def joined(link, name="Greta Guest", passcode=None) -> Client:
    client = Client()
    data = {"name": name}
    if passcode is not None:
        data["passcode"] = passcode
    response = client.post(reverse("share_join", args=[link.token]), data)
    assert response.status_code == 302, page_text(response)
    assert response["Location"] == shared(link)
    return client


# Making links


def test_a_facilitator_makes_an_editor_link_with_a_passcode_and_an_expiry(
    client_for, board, members
):
    response = client_for("facilitator").post(
        reverse("board_sharing", args=[board.id]),
        {"label": "Workshop", "role": "editor", "passcode": "tulip", "expires_in": "1"},
    )

    assert response.status_code == 302
    link = ShareLink.objects.get(label="Workshop")
    assert link.role == "editor"
    assert link.live  # guests who edit are always live
    assert link.passcode != "tulip"
    assert check_password("tulip", link.passcode)
    assert timedelta(hours=23) < link.expires - timezone.now() <= timedelta(days=1)
    text = page_text(client_for("facilitator").get(reverse("board_sharing", args=[board.id])))
    assert "Guests edit" in text
    assert "Passcode" in text
    assert "tulip" not in text


def test_a_link_with_an_unknown_role_is_refused_and_makes_nothing(client_for, board):
    response = client_for("facilitator").post(
        reverse("board_sharing", args=[board.id]), {"label": "Bad", "role": "owner"}
    )

    assert response.status_code == 400
    assert "Choose whether guests view or edit." in page_text(response)
    assert not ShareLink.objects.filter(label="Bad").exists()


# Joining


def test_a_workshop_link_asks_for_a_name_on_one_short_page(client, workshop):
    response = client.get(shared(workshop))

    assert response.status_code == 200
    text = page_text(response)
    assert "Webshop lifecycle" in text
    assert "Your name" in text
    assert "Join the board" in text
    assert "Passcode" not in text
    assert "ws/share" not in text  # no board before the name


def test_a_guest_joins_by_name_without_an_account_and_is_no_member(workshop, org):
    client = joined(workshop, "Greta Guest")

    guest = User.objects.get(name="Greta Guest")
    assert guest.is_guest
    assert not guest.has_usable_password()
    assert Guest.objects.filter(user=guest, link=workshop).exists()
    assert not Membership.objects.filter(user=guest).exists()
    text = page_text(client.get(shared(workshop)))
    assert 'data-can-edit="true"' in text
    assert f'data-socket-path="/ws/share/{workshop.token}/"' in text
    assert "You are here as Greta Guest, a guest" in text
    assert guest.email not in text  # the placeholder address is nobody's business


def test_a_member_who_opens_a_workshop_link_goes_to_the_board(client_for, workshop, board):
    response = client_for("viewer").get(shared(workshop))

    assert response.status_code == 302
    assert response["Location"] == reverse("board_detail", args=[board.id])


def test_an_empty_name_is_refused_with_a_message(client, workshop):
    response = client.post(reverse("share_join", args=[workshop.token]), {"name": "  "})

    assert response.status_code == 400
    assert "Type the name others will see." in page_text(response)
    assert not User.objects.filter(is_guest=True).exists()


def test_the_right_passcode_lets_a_guest_in(locked):
    joined(locked, "Pia", passcode="tulip")

    assert User.objects.filter(name="Pia", is_guest=True).exists()


def test_a_wrong_passcode_is_refused_and_then_throttled(client, locked, settings):
    settings.SHARE_PASSCODE_FAILURES_PER_ADDRESS = 3
    url = reverse("share_join", args=[locked.token])

    first = client.post(url, {"name": "Mallory", "passcode": "rose"})
    assert first.status_code == 400
    assert "That passcode is not right." in page_text(first)
    for guess in ("lily", "iris"):
        last = client.post(url, {"name": "Mallory", "passcode": guess})
    assert last.status_code == 429
    # Locked: the right passcode too is refused unchecked, for a while.
    right = client.post(url, {"name": "Mallory", "passcode": "tulip"})
    assert right.status_code == 429
    assert "Too many wrong passcodes. Try again in 15 minutes." in page_text(right)
    assert not User.objects.filter(name="Mallory").exists()


@pytest.mark.parametrize(
    ("spoil", "status", "says"),
    [
        (lambda link: share_link_revoke(link=link), 410, "Whoever shared it has revoked it."),
        (
            lambda link: ShareLink.objects.filter(pk=link.pk).update(
                expires=timezone.now() - timedelta(minutes=1)
            ),
            410,
            "It has expired.",
        ),
    ],
    ids=["revoked", "expired"],
)
def test_a_link_that_ended_refuses_joining_with_a_clear_message(
    client, workshop, spoil, status, says
):
    spoil(workshop)

    response = client.post(reverse("share_join", args=[workshop.token]), {"name": "Late"})

    assert response.status_code == status
    assert says in page_text(response)
    assert not User.objects.filter(name="Late").exists()


def test_a_tampered_link_opens_nothing(client, workshop):
    token = workshop.token[:-2] + "zz"

    assert client.get(reverse("shared_board", args=[token])).status_code == 404
    assert client.post(reverse("share_join", args=[token]), {"name": "X"}).status_code == 404
    assert not User.objects.filter(name="X").exists()


def test_revoking_ends_the_guest_session_on_the_board(workshop):
    client = joined(workshop)

    share_link_revoke(link=workshop)

    response = client.get(shared(workshop))
    assert response.status_code == 410
    assert "Whoever shared it has revoked it." in page_text(response)


# Nothing else of the organisation


def test_a_guest_reaches_no_page_of_the_organisation(workshop, board, org, members):
    client = joined(workshop)

    for url in (
        reverse("home"),
        reverse("board_detail", args=[board.id]),
        reverse("board_list", args=[org.id]),
        reverse("member_list", args=[org.id]),
        reverse("organisation_create"),
        reverse("preferences"),
        reverse("board_export", args=[board.id, "json"]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        text = page_text(response)
        assert members["owner"].email not in text
        assert "Acme Marketing" not in text


# Live


async def _guest_socket(client: Client, link):
    socket, connected = await open_socket(
        None, None, path=f"/ws/share/{link.token}/", client=client
    )
    assert connected
    return socket


@pytest.mark.django_db(transaction=True)
async def test_someone_who_did_not_join_cannot_open_the_socket(workshop):
    socket, connected = await open_socket(None, None, path=f"/ws/share/{workshop.token}/")

    assert connected
    assert await receive_close(socket, skip=frozenset()) == 4401


@pytest.mark.django_db(transaction=True)
async def test_a_guest_editor_creates_and_edits_cards_as_themselves(
    sockets, board, members, workshop
):
    client = await sync_to_async(joined)(workshop, "Greta Guest")
    guest = await sync_to_async(User.objects.get)(name="Greta Guest")
    member, _welcome, _reply = await sockets.join(members["facilitator"], board)
    socket = await _guest_socket(client, workshop)
    sockets.opened.append(socket)
    welcome = await receive_type(socket, "welcome")
    assert welcome["you"]["role"] == "editor"
    assert welcome["you"]["name"] == "Greta Guest"
    assert [name for name, allowed in welcome["you"]["can"].items() if allowed] == [
        "view_board",
        "edit_board",
    ]
    phase = await sync_to_async(lambda: str(board.phases.order_by("position").first().pk))()
    card = str(uuid.uuid4())

    made = await send_ops(
        socket,
        [{"op": "card.create", "id": card, "kind": "touchpoint", "phase": phase, "text": "Hi"}],
    )
    assert made["type"] == "ack"
    await receive_type(socket, "patch")  # its own change comes back, as to everyone
    edited = await send_ops(socket, [{"op": "card.update", "id": card, "text": "Hello there"}])

    assert edited["type"] == "ack"
    stored_card = await sync_to_async(Card.objects.get)(pk=card)
    assert stored_card.author_id == guest.pk
    assert stored_card.text == "Hello there"
    patch = await receive_type(member, "patch")
    assert patch["by"] == guest.pk


@pytest.mark.django_db(transaction=True)
async def test_a_guest_viewer_changes_nothing(sockets, board, members):
    link = await sync_to_async(share_link_create)(
        board=board, actor=members["owner"], days=None, role="viewer", passcode="tulip"
    )
    client = await sync_to_async(joined)(link, "Vera", passcode="tulip")
    socket = await _guest_socket(client, link)
    sockets.opened.append(socket)
    welcome = await receive_type(socket, "welcome")
    assert welcome["you"]["role"] == "viewer"
    before = await stored(board.pk)
    card = await sync_to_async(Card.objects.get)(board=board, text="Instagram ad")

    refused = await send_ops(socket, [{"op": "card.update", "id": str(card.id), "text": "X"}])

    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert await stored(board.pk) == before


@pytest.mark.django_db(transaction=True)
async def test_revoking_closes_the_guest_editors_socket(sockets, workshop):
    client = await sync_to_async(joined)(workshop)
    socket = await _guest_socket(client, workshop)
    sockets.opened.append(socket)
    await receive_type(socket, "welcome")

    await sync_to_async(share_link_revoke)(link=workshop)

    assert await receive_close(socket) == 4410
    again = await _guest_socket(client, workshop)
    sockets.opened.append(again)
    assert await receive_close(again, skip=frozenset()) == 4410


@pytest.mark.django_db(transaction=True)
async def test_an_op_after_the_link_ended_is_refused_in_its_commit(sockets, board, workshop):
    client = await sync_to_async(joined)(workshop)
    socket = await _guest_socket(client, workshop)
    sockets.opened.append(socket)
    await receive_type(socket, "welcome")
    before = await stored(board.pk)
    card = await sync_to_async(Card.objects.get)(board=board, text="Instagram ad")
    # Revoked without the message that closes the socket (the channel layer may lose it).
    await sync_to_async(ShareLink.objects.filter(pk=workshop.pk).update)(revoked=timezone.now())

    await socket.send_json_to(
        {
            "type": "op",
            "op_id": str(uuid.uuid4()),
            "ops": [{"op": "card.update", "id": str(card.id), "text": "Too late"}],
        }
    )

    assert await receive_close(socket) == 4410
    assert await stored(board.pk) == before


@pytest.mark.django_db(transaction=True)
async def test_a_guest_sees_display_names_only(sockets, board, members, workshop):
    owner, _welcome, _reply = await sockets.join(members["owner"], board)
    client = await sync_to_async(joined)(workshop, "Greta Guest")
    socket = await _guest_socket(client, workshop)
    sockets.opened.append(socket)
    await receive_type(socket, "welcome")

    already = await receive_type(socket, "joined")
    assert already["name"] == "Olivia Owner"
    assert set(already) == {"type", "session", "name", "colour"}
    # The owner sees the guest by name, marked as a guest.
    arrived = await receive_type(owner, "joined")
    assert (arrived["name"], arrived["guest"], arrived["role"]) == ("Greta Guest", True, "editor")


# Making an account


def test_a_guest_makes_an_account_and_keeps_their_cards(workshop, board):
    client = joined(workshop, "Greta Guest")
    guest = User.objects.get(name="Greta Guest")
    card = make_card(board, kind="note", text="Mine", author=guest)

    form = client.get(reverse("guest_account"))
    assert "Keep your work: make an account" in page_text(form)
    response = client.post(
        reverse("guest_account"),
        {
            "email": "Greta@Example.com",
            "password1": "a long pass 42",
            "password2": "a long pass 42",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == shared(workshop)
    back = client.get(shared(workshop))
    assert "We sent a link to greta@example.com" in page_text(back)
    guest.refresh_from_db()
    assert not guest.is_guest
    assert guest.email == "greta@example.com"
    assert not guest.email_verified
    assert guest.check_password("a long pass 42")
    assert Card.objects.get(pk=card.pk).author_id == guest.pk
    assert not Membership.objects.filter(user=guest).exists()
    [message] = mail.outbox
    assert message.to == ["greta@example.com"]
    assert "/accounts/confirm/" in message.body
    # Still signed in, and still on the board through the link.
    assert 'data-can-edit="true"' in page_text(back)


def test_an_address_that_has_an_account_is_not_taken(workshop, members):
    client = joined(workshop, "Greta Guest")

    response = client.post(
        reverse("guest_account"),
        {
            "email": "editor@example.com",
            "password1": "a long pass 42",
            "password2": "a long pass 42",
        },
    )

    assert response.status_code == 302  # the same answer: nobody learns who has an account
    assert User.objects.get(name="Greta Guest").is_guest
    [notice] = mail.outbox
    assert notice.to == ["editor@example.com"]


def test_joining_is_throttled_per_address(client, workshop, settings):
    settings.SHARE_JOINS_PER_ADDRESS_PER_HOUR = 2
    url = reverse("share_join", args=[workshop.token])

    answers = [Client().post(url, {"name": f"Bot {n}"}).status_code for n in range(3)]

    assert answers == [302, 302, 429]
    assert User.objects.filter(is_guest=True).count() == 2


@pytest.mark.django_db(transaction=True)
async def test_a_guest_cannot_open_the_members_socket_of_the_board(sockets, board, workshop):
    client = await sync_to_async(joined)(workshop)

    socket, connected = await open_socket(None, board, client=client)
    sockets.opened.append(socket)

    assert connected
    assert await receive_close(socket, skip=frozenset()) == 4404


def test_the_viewer_reads_its_role_again_for_writes_judged_elsewhere(workshop, board, members):
    """Viewer.role_now: what facilitation actions (and any write outside the op
    commit) judge a guest by: the link's role while it opens the board, then none."""
    from boards.access import get_viewer_for_share

    guest = User.objects.get(pk=joined(workshop, "Greta").session["_auth_user_id"])
    _board, viewer = get_viewer_for_share(workshop.token, guest)
    assert viewer.role_now(board) == "editor"
    assert viewer.may(Can.EDIT_BOARD)
    assert not viewer.may(Can.FACILITATE)

    share_link_revoke(link=workshop)

    assert viewer.role_now(board) is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["board", "phase"])
async def test_a_guest_editor_leaves_the_title_and_phases_as_they_are(
    sockets, board, workshop, kind
):
    phase = await sync_to_async(lambda: str(board.phases.order_by("position").first().pk))()
    op = (
        {"op": "board.update", "title": "Ours now"}
        if kind == "board"
        else {"op": "phase.update", "id": phase, "name": "Renamed"}
    )
    client = await sync_to_async(joined)(workshop)
    socket = await _guest_socket(client, workshop)
    sockets.opened.append(socket)
    await receive_type(socket, "welcome")
    before = await stored(board.pk)

    refused = await send_ops(socket, [op])

    assert (refused["type"], refused["code"]) == ("error", "forbidden")
    assert "the board's title and phases stay as set" in refused["message"]
    assert await stored(board.pk) == before
