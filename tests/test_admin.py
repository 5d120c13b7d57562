"""The Django admin: board content is read-only there (an edit would skip the revision,
the op log and the broadcast), and what an operator may do (revoke a share link, change a
role, remove a member, archive or delete a board) goes through the app's actions, so
open boards hear of it and the last owner stays."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from boards.models import Arrow, Board, Card, CardLink, OpLog, Phase, ShareLink, Snapshot
from boards.sharing import share_link_create
from boards.snapshots import snapshot_create
from journeymap.models import Membership, Role, User
from tests.helpers import page_text
from tests.ws import receive_close, receive_type

LAST_OWNER_DEMOTED = "The last owner cannot be demoted. Make someone else an owner first."
LAST_OWNER_LEAVES = "The last owner cannot leave or be removed. Make someone else an owner first."


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser(email="ops@example.com", password="x", name="Ops")


@pytest.fixture
def admin_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def _url(obj, view: str = "change") -> str:
    opts = obj._meta
    args = [] if view in ("changelist", "add") else [obj.pk]
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def _action(admin_client: Client, model, action: str, objects, **extra):
    return admin_client.post(
        _url(model, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], **extra},
        follow=True,
    )


def _membership(org, user) -> Membership:
    return Membership.objects.get(organisation=org, user=user)


# Board content is read-only.


def test_it_shows_board_content_but_saves_no_change(admin_client, board, members):
    card = Card.objects.get(board=board, text="Instagram ad")
    snapshot_create(board=board, name="Kick-off", actor=members["owner"])
    content = [
        board,
        board.phases.first(),
        card,
        Arrow.objects.get(board=board),
        Snapshot.objects.get(board=board),
    ]
    for obj in content:
        page = admin_client.get(_url(obj))
        assert page.status_code == 200, obj
        assert 'name="_save"' not in page_text(page), obj
        assert admin_client.get(_url(obj, "add")).status_code == 403, obj
        assert admin_client.get(_url(obj, "delete")).status_code == 403, obj

    response = admin_client.post(_url(card), {"text": "Hacked", "kind": "note"})

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.text == "Instagram ad"
    board.refresh_from_db()
    assert board.rev == 0


@pytest.mark.parametrize("model", [Board, Phase, Card, CardLink, OpLog, Snapshot, ShareLink])
def test_it_offers_no_add_or_bulk_delete_for_content(admin_client, board, model):
    page = page_text(admin_client.get(_url(model, "changelist")))

    assert _url(model, "add") not in page
    assert 'value="delete_selected"' not in page


def test_it_deletes_a_board_through_the_action_after_asking(admin_client, board, org):
    asked = _action(admin_client, Board, "delete_boards", [board])

    assert "Yes, delete them" in page_text(asked)
    assert Board.objects.filter(pk=board.pk).exists()

    done = _action(admin_client, Board, "delete_boards", [board], post="yes")

    assert "1 board deleted." in page_text(done)
    assert not Board.objects.filter(pk=board.pk).exists()


def test_it_archives_and_restores_a_board(admin_client, board):
    _action(admin_client, Board, "archive", [board])
    board.refresh_from_db()
    assert board.archived

    _action(admin_client, Board, "restore", [board])
    board.refresh_from_db()
    assert not board.archived


# Share links: revoked through boards.sharing, sockets included.


@pytest.mark.django_db(transaction=True)
async def test_revoking_a_link_in_the_admin_closes_its_sockets(board, members, operator):
    from tests.test_share_links import _guest

    link = await sync_to_async(share_link_create)(
        board=board, actor=members["facilitator"], label="Agency", days=None
    )
    guest, connected = await _guest(link)
    assert connected
    await receive_type(guest, "welcome")

    def revoke() -> str:
        client = Client()
        client.force_login(operator)
        return page_text(_action(client, ShareLink, "revoke", [link]))

    assert "1 share link revoked" in await sync_to_async(revoke)()
    assert await receive_close(guest) == 4410
    assert (await ShareLink.objects.aget(pk=link.pk)).revoked is not None


def test_a_share_link_is_read_only_and_keeps_its_token_hidden(admin_client, board, members):
    link = share_link_create(board=board, actor=members["facilitator"], days=None)

    page = admin_client.get(_url(link))

    assert page.status_code == 200
    assert link.token not in page_text(page)
    assert admin_client.post(_url(link), {"label": "Other"}).status_code == 403


# Memberships: through journeymap.actions, the last owner protected.


def test_it_keeps_the_last_owner_from_being_demoted(admin_client, org, members):
    owner = _membership(org, members["owner"])

    response = admin_client.post(_url(owner), {"role": Role.ADMIN}, follow=True)

    assert LAST_OWNER_DEMOTED in page_text(response)
    assert _membership(org, members["owner"]).role == Role.OWNER


def test_it_keeps_the_last_owner_from_being_deleted(admin_client, org, members):
    owner = _membership(org, members["owner"])

    response = admin_client.post(_url(owner, "delete"), {"post": "yes"}, follow=True)

    assert LAST_OWNER_LEAVES in page_text(response)
    assert Membership.objects.filter(pk=owner.pk, role=Role.OWNER).exists()


def test_it_keeps_the_last_owner_from_being_removed_in_bulk(admin_client, org, members):
    owner = _membership(org, members["owner"])
    viewer = _membership(org, members["viewer"])

    response = _action(admin_client, Membership, "remove_members", [owner, viewer])

    text = page_text(response)
    assert LAST_OWNER_LEAVES in text
    assert "1 member removed." in text
    assert Membership.objects.filter(pk=owner.pk, role=Role.OWNER).exists()
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_it_offers_no_bulk_delete_that_skips_the_action(admin_client, org, members):
    page = page_text(admin_client.get(_url(Membership, "changelist")))

    assert 'value="delete_selected"' not in page
    assert 'value="remove_members"' in page


def test_the_organisation_page_lists_members_without_editing_them(admin_client, org, members):
    page = admin_client.get(_url(org))

    assert page.status_code == 200
    assert "memberships-0-role" not in page_text(page)


@pytest.mark.django_db(transaction=True)
async def test_a_role_changed_in_the_admin_reaches_the_open_board(
    sockets, org, board, members, operator
):
    viewer, _, _ = await sockets.join(members["viewer"], board)
    membership = await Membership.objects.aget(organisation=org, user=members["viewer"])

    def promote() -> int:
        client = Client()
        client.force_login(operator)
        return client.post(_url(membership), {"role": Role.EDITOR}).status_code

    assert await sync_to_async(promote)() == 302
    frame = await receive_type(viewer, "role")
    assert frame["role"] == "editor"
    assert frame["can"]["edit_board"] is True
    assert (await Membership.objects.aget(pk=membership.pk)).role == Role.EDITOR


@pytest.mark.django_db(transaction=True)
async def test_a_member_removed_in_the_admin_leaves_the_open_board(
    sockets, org, board, members, operator
):
    editor, _, _ = await sockets.join(members["editor"], board)
    membership = await Membership.objects.aget(organisation=org, user=members["editor"])

    def remove() -> int:
        client = Client()
        client.force_login(operator)
        return client.post(_url(membership, "delete"), {"post": "yes"}).status_code

    assert await sync_to_async(remove)() == 302
    assert await receive_close(editor) == 4410
    assert not await Membership.objects.filter(pk=membership.pk).aexists()


def test_changing_an_address_in_the_admin_unconfirms_it(admin_client, members):
    editor = members["editor"]
    User.objects.filter(pk=editor.pk).update(email_verified=True)
    page = admin_client.get(_url(editor))
    data = {
        key: value
        for key, value in page.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update({"email": "new.address@example.com", "email_verified": "on", "is_active": "on"})
    data.pop("password", None)
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"})

    response = admin_client.post(_url(editor), data)

    assert response.status_code == 302, page_text(response)[:3000]
    editor.refresh_from_db()
    assert editor.email == "new.address@example.com"
    assert not editor.email_verified


def test_the_sharing_switches_are_read_only_in_the_admin(admin_client, org):
    """Turning share links off must go through organisation_set_sharing (guests' sockets
    closed at once, an audit entry): the admin shows the switches but cannot save them."""
    page = admin_client.get(_url(org))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="allow_share_links"' not in html
    assert 'name="allow_exports"' not in html
    assert "Share links" in page_text(page) or "share links" in page_text(page).lower()
