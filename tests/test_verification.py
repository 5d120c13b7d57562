"""E-mail addresses are confirmed before they count (journeymap/verification.py): signup
never tells whether an address has an account, and an invite made for an address is
accepted only by an account that has shown it reads that address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from journeymap.actions import invite_create
from journeymap.models import Invite, Membership, Role, User
from journeymap.verification import confirmation_path
from tests.conftest import PASSWORD, make_user
from tests.helpers import page_text


def _signup(client: Client, email: str, name: str = "Nina New", next_url: str = ""):
    return client.post(
        reverse("signup"),
        {
            "name": name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": next_url,
        },
    )


def _link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.fixture
def email_invite(org, members) -> Invite:
    return invite_create(
        organisation=org, role=Role.ADMIN, created_by=members["owner"], email="nina@example.com"
    )


def test_signup_answers_the_same_whether_or_not_the_address_has_an_account(members):
    taken = _signup(Client(), "Editor@Example.com", name="Copycat")
    free = _signup(Client(), "free@example.com", name="Copycat")

    def shown(response) -> str:
        text = page_text(response).replace("editor@example.com", "ADDRESS")
        text = text.replace("free@example.com", "ADDRESS")
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "TOKEN", text)
        return re.sub(r'"X-CSRFToken": "[^"]+"', "TOKEN", text)

    assert taken.status_code == free.status_code == 200
    assert shown(taken) == shown(free)
    assert "Check your inbox" in page_text(taken)
    # The owner of the address is told, in a mail only they read.
    notice, confirmation = mail.outbox
    assert notice.to == ["editor@example.com"]
    assert notice.subject == "Someone tried to sign up with your e-mail address"
    assert "/accounts/password_reset/" in notice.body
    assert members["editor"].name == User.objects.get(email="editor@example.com").name
    assert confirmation.to == ["free@example.com"]
    assert confirmation.subject == "Confirm your e-mail address for Journeymap"


def test_signup_does_not_sign_in_before_the_address_is_confirmed(db):
    client = Client()
    _signup(client, "nina@example.com")

    assert "_auth_user_id" not in client.session
    assert User.objects.get(email="nina@example.com").email_verified is False


def test_the_confirmation_link_confirms_signs_in_and_goes_on(db):
    client = Client()
    _signup(client, "nina@example.com", next_url="/orgs/new/")
    link = _link_in(mail.outbox[0])

    # Opening the link (as a mail scanner does too) changes nothing; the button does.
    assert "Confirm and continue" in page_text(client.get(link))
    assert not User.objects.get(email="nina@example.com").email_verified
    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == "/orgs/new/"
    nina = User.objects.get(email="nina@example.com")
    assert nina.email_verified
    assert client.session["_auth_user_id"] == str(nina.pk)
    # It works once.
    assert Client().get(link).status_code == 404


def test_a_tampered_confirmation_link_confirms_nothing(db):
    nina = make_user("Nina New", "nina@example.com")
    path = confirmation_path(nina)
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa/") else "bbb") + "/"

    response = Client().post(tampered[:-1] if tampered.endswith("//") else tampered)

    assert response.status_code == 404
    nina.refresh_from_db()
    assert not nina.email_verified


def test_an_unconfirmed_account_cannot_take_an_invite_for_its_address(email_invite):
    # Anyone may sign up with nina@example.com; only who reads it may join as admin.
    squatter = make_user("Not Nina", "nina@example.com")
    client = Client()
    client.force_login(squatter)
    url = reverse("invite_accept", args=[email_invite.token])

    page = client.get(url)
    response = client.post(url, follow=True)

    assert "Confirm your e-mail address first" in page_text(page)
    assert "Send me the link" in page_text(page)
    assert "Confirm your e-mail address first" in page_text(response)
    assert not Membership.objects.filter(user=squatter, organisation=email_invite.organisation)


def test_a_new_person_joins_from_the_invite_page_with_the_address_confirmed(email_invite):
    """The e-mail invite's one page (journeymap/invite_views.py): its link came to the
    address, so following it confirms the address; no separate confirmation mail."""
    url = reverse("invite_accept", args=[email_invite.token])
    client = Client()

    page = client.get(url)
    assert 'value="nina@example.com" readonly' in page.content.decode()  # prefilled
    accepted = client.post(url, {"name": "Nina", "password": "a long pass 42"}, follow=True)

    nina = User.objects.get(email="nina@example.com")
    assert nina.email_verified
    assert Membership.objects.get(organisation=email_invite.organisation, user=nina).role == "admin"
    assert "You joined Acme Marketing. Your role: Admin." in page_text(accepted)
    assert mail.outbox == []


def test_an_existing_account_confirms_from_the_invite_page(email_invite):
    nina = make_user("Nina Existing", "nina@example.com")
    client = Client()
    client.force_login(nina)
    url = reverse("invite_accept", args=[email_invite.token])

    sent = client.post(reverse("email_confirm_send"), {"next": url}, follow=True)
    assert "We sent a link to nina@example.com" in page_text(sent)
    client.post(_link_in(mail.outbox[-1]))
    client.post(url)

    assert Membership.objects.filter(user=nina, organisation=email_invite.organisation).exists()


def test_a_password_reset_confirms_the_address(db):
    nina = make_user("Nina New", "nina@example.com")
    client = Client()
    client.post(reverse("password_reset"), {"email": nina.email})
    link = _link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new lifecycle 2027", "new_password2": "a new lifecycle 2027"},
    )

    nina.refresh_from_db()
    assert nina.email_verified
    assert nina.check_password("a new lifecycle 2027")


def test_a_link_invite_stays_a_link_anyone_may_use(org, members, outsider):
    invite = invite_create(organisation=org, role=Role.VIEWER, created_by=members["owner"])
    client = Client()
    client.force_login(outsider)  # never confirmed: a link invite does not ask

    client.post(reverse("invite_accept", args=[invite.token]))

    assert Membership.objects.get(organisation=org, user=outsider).role == Role.VIEWER


def test_signup_from_one_network_is_throttled(db, settings):
    settings.ACCOUNT_FORMS_PER_HOUR = 3
    for number in range(3):
        _signup(Client(), f"n{number}@example.com")

    response = _signup(Client(), "late@example.com")

    assert "Too many requests from your network" in page_text(response)
    assert not User.objects.filter(email="late@example.com").exists()


def test_a_signup_flood_sends_a_bounded_number_of_mails(members):
    for _ in range(20):
        _signup(Client(), "editor@example.com", name="Flood")

    assert len(mail.outbox) == 3
