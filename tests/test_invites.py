"""Inviting people: by e-mail and by link, accepting with a new or an existing account,
and every way an invite is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journeymap.actions import ActionError, invite_create, invite_revoke
from journeymap.models import Invite, Membership, Organisation, Role, User
from tests.conftest import PASSWORD
from tests.helpers import page_text


@pytest.fixture
def link_invite(org, members) -> Invite:
    """A copyable link (no e-mail address) to join `org` as facilitator."""
    return invite_create(organisation=org, role=Role.FACILITATOR, created_by=members["owner"])


def _accept(client: Client, invite: Invite, **kwargs):
    return client.post(reverse("invite_accept", args=[invite.token]), **kwargs)


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_sends_an_email_invite_with_the_accept_link(org, client_for):
    response = client_for("owner").post(
        reverse("invite_create", args=[org.id]),
        {"email": "Newbie@Example.com", "role": Role.EDITOR},
        follow=True,
    )

    invite = Invite.objects.get(organisation=org)
    assert invite.email == "newbie@example.com"
    assert invite.role == Role.EDITOR
    assert "Invite sent to newbie@example.com." in page_text(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.com"]
    assert "Acme Marketing" in message.subject
    assert f"http://testserver/invites/{invite.token}/" in message.body
    assert "Your role: Editor" in message.body


def test_it_creates_a_link_invite_and_shows_the_link_to_copy(org, client_for):
    response = client_for("admin").post(
        reverse("invite_create", args=[org.id]), {"email": "", "role": Role.VIEWER}, follow=True
    )

    invite = Invite.objects.get(organisation=org)
    assert invite.email == ""
    assert mail.outbox == []
    text = page_text(response)
    assert "Invite link created. Copy it and share it." in text
    assert f"http://testserver/invites/{invite.token}/" in text
    assert "Whoever opens this link joins with the role Viewer." in text


def test_it_lets_an_existing_account_accept_a_link(org, outsider, link_invite):
    response = _accept(_signed_in(outsider), link_invite, follow=True)

    assert Membership.objects.get(organisation=org, user=outsider).role == Role.FACILITATOR
    assert "You joined Acme Marketing. Your role: Facilitator." in page_text(response)
    # Their own organisation is still theirs.
    assert outsider.memberships.count() == 2


def test_it_asks_a_signed_out_person_to_log_in_or_sign_up(link_invite):
    response = Client().get(reverse("invite_accept", args=[link_invite.token]))

    text = page_text(response)
    assert "Create an account to accept" in text
    assert "Log in to accept" in text


def test_it_raises_an_existing_member_to_the_invited_role(org, members, link_invite):
    _accept(_signed_in(members["viewer"]), link_invite)

    membership = Membership.objects.get(organisation=org, user=members["viewer"])
    assert membership.role == Role.FACILITATOR


def test_it_never_lowers_an_existing_members_role(org, members, link_invite):
    _accept(_signed_in(members["admin"]), link_invite)

    membership = Membership.objects.get(organisation=org, user=members["admin"])
    assert membership.role == Role.ADMIN


def test_it_refuses_an_expired_invite(org, outsider, link_invite):
    link_invite.expires = timezone.now() - timedelta(minutes=1)
    link_invite.save(update_fields=["expires"])

    response = _accept(_signed_in(outsider), link_invite)

    assert response.status_code == 200
    assert "This invite has expired. Ask for a new one." in page_text(response)
    assert not Membership.objects.filter(organisation=org, user=outsider).exists()


def test_it_refuses_a_used_invite(org, outsider, link_invite):
    first = User.objects.create_user(email="first@example.com", password=PASSWORD, name="First")
    _accept(_signed_in(first), link_invite)

    response = _accept(_signed_in(outsider), link_invite)

    assert "This invite has already been used. Ask for a new one." in page_text(response)
    assert not Membership.objects.filter(organisation=org, user=outsider).exists()
    assert Invite.objects.get(pk=link_invite.pk).accepted_by == first


def test_it_refuses_a_revoked_invite(org, outsider, link_invite, client_for):
    revoke = client_for("admin").post(
        reverse("invite_revoke", args=[org.id, link_invite.id]), follow=True
    )
    assert "Invite revoked." in page_text(revoke)

    response = _accept(_signed_in(outsider), link_invite)

    assert "This invite is not valid. Ask for a new one." in page_text(response)
    assert not Membership.objects.filter(organisation=org, user=outsider).exists()


def test_it_shows_why_an_invite_is_unusable_before_anyone_accepts(org, members, link_invite):
    invite_revoke(invite=link_invite)

    response = Client().get(reverse("invite_accept", args=[link_invite.token]))

    text = page_text(response)
    assert "This invite is not valid. Ask for a new one." in text
    assert "Create an account to accept" not in text


def test_it_refuses_an_invite_meant_for_another_address(org, members, outsider):
    invite = invite_create(
        organisation=org, role=Role.EDITOR, created_by=members["owner"], email="nina@example.com"
    )

    response = _accept(_signed_in(outsider), invite)

    assert (
        "This invite was sent to nina@example.com. Log in with that address to accept it."
        in page_text(response)
    )
    assert not Membership.objects.filter(organisation=org, user=outsider).exists()
    assert Invite.objects.get(pk=invite.pk).accepted is None


def test_it_answers_an_unknown_token_with_not_found(outsider):
    response = _signed_in(outsider).post(reverse("invite_accept", args=["no-such-token"]))

    assert response.status_code == 404


def test_it_lets_an_invite_into_its_own_organisation_only(org, members, outsider, link_invite):
    other = Organisation.objects.get(name="Other Corp")
    newcomer = User.objects.create_user(email="nina@example.com", password=PASSWORD, name="Nina")
    client = _signed_in(newcomer)

    _accept(client, link_invite)

    assert list(newcomer.memberships.values_list("organisation__name", flat=True)) == [
        "Acme Marketing"
    ]
    assert client.get(reverse("board_list", args=[other.id])).status_code == 404
    assert client.get(reverse("board_list", args=[org.id])).status_code == 200


def test_it_does_not_let_another_organisation_revoke_or_use_an_invite(org, outsider, link_invite):
    other = Organisation.objects.get(name="Other Corp")
    client = _signed_in(outsider)  # owner of Other Corp

    response = client.post(reverse("invite_revoke", args=[other.id, link_invite.id]))

    assert response.status_code == 404
    assert Invite.objects.get(pk=link_invite.pk).revoked is None


def test_it_refuses_an_owner_invite_from_an_admin(org, client_for):
    response = client_for("admin").post(
        reverse("invite_create", args=[org.id]),
        {"email": "boss@example.com", "role": Role.OWNER},
        follow=True,
    )

    assert response.status_code == 200
    assert "Select a valid choice. owner is not one of the available choices." in (
        page_text(response)
    )
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_it_refuses_an_owner_invite_even_from_an_owner(org, members):
    with pytest.raises(ActionError, match="make them owner after they join"):
        invite_create(organisation=org, role=Role.OWNER, created_by=members["owner"])

    assert not Invite.objects.exists()


def test_it_forbids_a_viewer_to_invite(org, client_for):
    response = client_for("viewer").post(
        reverse("invite_create", args=[org.id]), {"email": "pal@example.com", "role": "viewer"}
    )

    assert response.status_code == 403
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_it_hides_the_organisation_from_an_outsider_who_invites(org, client_for):
    response = client_for("outsider").post(
        reverse("invite_create", args=[org.id]), {"email": "pal@example.com", "role": "viewer"}
    )

    assert response.status_code == 404
    assert not Invite.objects.exists()
    assert mail.outbox == []


def test_it_refuses_an_organisation_name_with_a_line_break(org, client_for):
    response = client_for("owner").post(
        reverse("organisation_settings", args=[org.id]), {"name": "Acme\r\nBcc: x@evil.example"}
    )
    assert response.status_code == 200
    assert "no line breaks" in page_text(response)
    org.refresh_from_db()
    assert org.name == "Acme Marketing"


def test_it_refuses_a_new_organisation_whose_name_has_control_characters(outsider):
    client = _signed_in(outsider)
    response = client.post(reverse("organisation_create"), {"name": "Tab\there"})
    assert response.status_code == 200
    assert "no line breaks" in page_text(response)
    assert not Organisation.objects.filter(name__startswith="Tab").exists()


def test_it_sends_the_invite_even_when_an_old_name_has_a_line_break(org, client_for):
    # A row from before names were validated: the mail goes out with one line of subject.
    Organisation.objects.filter(pk=org.pk).update(name="Acme\r\nMarketing")
    response = client_for("owner").post(
        reverse("invite_create", args=[org.id]), {"email": "new@example.com", "role": "editor"}
    )
    assert response.status_code == 302
    assert mail.outbox[-1].subject == "You are invited to Acme Marketing on Journeymap"


# The short path: one page for someone invited by e-mail without an account.


@pytest.fixture
def email_invite(org, members) -> Invite:
    return invite_create(
        organisation=org, role=Role.EDITOR, created_by=members["owner"], email="nina@example.com"
    )


def test_an_email_invite_asks_a_new_person_only_for_a_name_and_a_password(email_invite):
    text = page_text(Client().get(reverse("invite_accept", args=[email_invite.token])))

    assert 'value="nina@example.com" readonly' in text
    assert "Your name" in text
    assert "Choose a password" in text
    assert "Join Acme Marketing" in text


def test_a_new_person_joins_from_the_invite_page_in_one_step(org, email_invite):
    client = Client()

    response = _accept(client, email_invite, data={"name": "Nina", "password": "a long pass 42"})

    assert response.status_code == 302
    assert response["Location"] == reverse("board_list", args=[org.id])
    nina = User.objects.get(email="nina@example.com")
    assert nina.email_verified  # the invite's link came to this address
    assert Membership.objects.get(organisation=org, user=nina).role == Role.EDITOR
    assert client.get(reverse("board_list", args=[org.id])).status_code == 200


def test_the_one_page_path_refuses_an_address_that_has_an_account(org, members):
    invite = invite_create(
        organisation=org, role=Role.EDITOR, created_by=members["owner"], email="outsider@x.com"
    )
    User.objects.create_user(email="outsider@x.com", password=PASSWORD, name="Existing")

    response = _accept(Client(), invite, data={"name": "Imposter", "password": "a long pass 42"})

    assert response.status_code == 400
    assert "There is an account for outsider@x.com already." in page_text(response)
    assert User.objects.get(email="outsider@x.com").name == "Existing"
    assert Invite.objects.get(pk=invite.pk).accepted is None


def test_the_one_page_path_refuses_a_weak_password_and_makes_nothing(org, email_invite):
    response = _accept(Client(), email_invite, data={"name": "Nina", "password": "123"})

    assert response.status_code == 400
    assert not User.objects.filter(email="nina@example.com").exists()
