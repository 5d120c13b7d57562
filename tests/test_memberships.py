"""Roles and memberships: the last owner stays, only owners make owners, leaving, and
moving between organisations."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from journeymap.actions import organisation_create
from journeymap.models import Membership, Organisation, Role
from tests.helpers import page_text

LAST_OWNER_DEMOTED = "The last owner cannot be demoted. Make someone else an owner first."
LAST_OWNER_LEAVES = "The last owner cannot leave or be removed. Make someone else an owner first."


CONFIRMED = {"confirmed": "1"}  # as the page's dialog sends it once accepted


def _membership(org, user) -> Membership:
    return Membership.objects.get(organisation=org, user=user)


def _change_role(client: Client, org, membership: Membership, role: str):
    return client.post(
        reverse("member_change_role", args=[org.id, membership.id]), {"role": role}, follow=True
    )


def test_it_keeps_the_only_owner_from_being_demoted(org, members, client_for):
    owner = _membership(org, members["owner"])

    response = _change_role(client_for("owner"), org, owner, Role.ADMIN)

    assert response.status_code == 200
    assert LAST_OWNER_DEMOTED in page_text(response)
    assert _membership(org, members["owner"]).role == Role.OWNER


def test_it_keeps_the_only_owner_from_being_removed(org, members, client_for):
    owner = _membership(org, members["owner"])

    response = client_for("owner").post(
        reverse("member_remove", args=[org.id, owner.id]), CONFIRMED, follow=True
    )

    assert LAST_OWNER_LEAVES in page_text(response)
    assert Membership.objects.filter(pk=owner.pk, role=Role.OWNER).exists()


def test_it_keeps_the_only_owner_from_leaving(org, members, client_for):
    response = client_for("owner").post(
        reverse("organisation_leave", args=[org.id]), CONFIRMED, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("member_list", args=[org.id])
    assert LAST_OWNER_LEAVES in page_text(response)
    assert _membership(org, members["owner"]).role == Role.OWNER
    assert org.memberships.count() == 5


def test_it_lets_one_of_two_owners_be_demoted(org, members, client_for):
    owner_client = client_for("owner")
    admin = _membership(org, members["admin"])
    _change_role(owner_client, org, admin, Role.OWNER)
    assert _membership(org, members["admin"]).role == Role.OWNER

    response = _change_role(client_for("admin"), org, _membership(org, members["owner"]), "editor")

    assert "Olivia Owner now has the role Editor." in page_text(response)
    assert _membership(org, members["owner"]).role == Role.EDITOR
    assert _membership(org, members["admin"]).role == Role.OWNER


def test_it_forbids_an_admin_to_change_an_owners_role(org, members, client_for):
    owner = _membership(org, members["owner"])

    response = client_for("admin").post(
        reverse("member_change_role", args=[org.id, owner.id]), {"role": Role.VIEWER}
    )

    assert response.status_code == 403
    assert _membership(org, members["owner"]).role == Role.OWNER


def test_it_forbids_an_admin_to_remove_an_owner(org, members, client_for):
    owner = _membership(org, members["owner"])

    url = reverse("member_remove", args=[org.id, owner.id])
    response = client_for("admin").post(url, CONFIRMED)

    assert response.status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_it_forbids_an_admin_to_make_someone_owner(org, members, client_for):
    editor = _membership(org, members["editor"])

    response = client_for("admin").post(
        reverse("member_change_role", args=[org.id, editor.id]), {"role": Role.OWNER}
    )

    assert response.status_code == 403
    assert _membership(org, members["editor"]).role == Role.EDITOR


def test_it_lets_an_owner_make_someone_owner(org, members, client_for):
    editor = _membership(org, members["editor"])

    response = _change_role(client_for("owner"), org, editor, Role.OWNER)

    assert "Editor Person now has the role Owner." in page_text(response)
    assert _membership(org, members["editor"]).role == Role.OWNER


def test_it_lets_an_admin_change_roles_below_owner(org, members, client_for):
    viewer = _membership(org, members["viewer"])

    response = _change_role(client_for("admin"), org, viewer, Role.FACILITATOR)

    assert "Viewer Person now has the role Facilitator." in page_text(response)
    assert _membership(org, members["viewer"]).role == Role.FACILITATOR


def test_it_refuses_a_role_that_does_not_exist(org, members, client_for):
    viewer = _membership(org, members["viewer"])

    response = _change_role(client_for("owner"), org, viewer, "emperor")

    assert "Choose one of the roles in the list." in page_text(response)
    assert _membership(org, members["viewer"]).role == Role.VIEWER


def test_it_lets_a_member_leave(org, members, client_for):
    response = client_for("editor").post(
        reverse("organisation_leave", args=[org.id]), CONFIRMED, follow=True
    )

    assert "You left Acme Marketing." in page_text(response)
    assert not Membership.objects.filter(organisation=org, user=members["editor"]).exists()
    # With no organisation left, they are asked to create one.
    assert response.redirect_chain[-1][0] == reverse("organisation_create")


def test_it_lets_one_of_two_owners_leave(org, members, client_for):
    Membership.objects.filter(organisation=org, user=members["admin"]).update(role=Role.OWNER)

    response = client_for("owner").post(
        reverse("organisation_leave", args=[org.id]), CONFIRMED, follow=True
    )

    assert "You left Acme Marketing." in page_text(response)
    assert not Membership.objects.filter(organisation=org, user=members["owner"]).exists()
    assert list(org.memberships.filter(role=Role.OWNER).values_list("user", flat=True)) == [
        members["admin"].id
    ]


def test_it_shows_every_organisation_of_the_person_in_the_switcher(org, members, client_for):
    second = organisation_create(name="Beta Agency", creator=members["editor"])

    response = client_for("editor").get(reverse("board_list", args=[org.id]))

    text = page_text(response)
    assert "Switch organisation" in text
    switcher = text.split('class="menu org-switcher"', 1)[1].split("</details>", 1)[0]
    assert f'href="{reverse("board_list", args=[org.id])}"' in switcher
    assert f'href="{reverse("board_list", args=[second.id])}"' in switcher
    assert "Acme Marketing" in switcher
    assert "Beta Agency" in switcher


def test_it_opens_the_organisation_used_last(org, members, client_for):
    second = organisation_create(name="Beta Agency", creator=members["editor"])
    client = client_for("editor")

    client.get(reverse("board_list", args=[second.id]))
    assert client.get(reverse("home"))["Location"] == reverse("board_list", args=[second.id])

    client.get(reverse("member_list", args=[org.id]))
    assert client.get(reverse("home"))["Location"] == reverse("board_list", args=[org.id])


def test_it_does_not_open_an_organisation_the_person_has_left(org, members, client_for):
    second = organisation_create(name="Beta Agency", creator=members["editor"])
    client = client_for("editor")
    client.get(reverse("board_list", args=[org.id]))

    # Removed by an admin while the session still remembers the organisation.
    Membership.objects.filter(organisation=org, user=members["editor"]).delete()

    assert client.get(reverse("home"))["Location"] == reverse("board_list", args=[second.id])
    assert Organisation.objects.filter(pk=org.pk).exists()


def test_a_removal_that_was_not_confirmed_asks_first(org, members, client_for):
    """A click on Remove before the page's scripts ran (or without them) sends no
    confirmation: the server asks on a page of its own, and removes nobody until then."""
    viewer = _membership(org, members["viewer"])
    url = reverse("member_remove", args=[org.id, viewer.id])

    asked = client_for("owner").post(url)

    assert asked.status_code == 200
    assert "Remove Viewer Person from the organisation?" in page_text(asked)
    assert Membership.objects.filter(pk=viewer.pk).exists()
    done = client_for("owner").post(url, CONFIRMED, follow=True)
    assert "was removed from the organisation" in page_text(done)
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_leaving_that_was_not_confirmed_asks_first(org, members, client_for):
    asked = client_for("editor").post(reverse("organisation_leave", args=[org.id]))

    assert "Leave this organisation?" in page_text(asked)
    assert Membership.objects.filter(organisation=org, user=members["editor"]).exists()
