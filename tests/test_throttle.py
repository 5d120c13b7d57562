"""Login, password reset and signup are throttled per account and per address
(journeymap/throttle.py): guessing stops, and a flood cannot fill an inbox."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tests.helpers import page_text

WRONG = "not the password at all"


@pytest.fixture
def person(db):
    return make_user("Pia Person", "pia@example.com")


def _login(client: Client, password: str, email: str = "pia@example.com", **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_refuses_the_right_password_after_fifty_wrong_ones(person):
    client = Client()
    for _ in range(50):
        assert _login(client, WRONG).status_code == 200

    response = _login(client, PASSWORD)

    assert response.status_code == 200
    assert not _signed_in(client)
    assert "Too many failed attempts to log in" in page_text(response)
    assert "15 minutes" in page_text(response)


def test_it_locks_the_account_from_every_address(person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    for number in range(5):
        _login(Client(), WRONG, REMOTE_ADDR=f"203.0.113.{number}")

    response = _login(Client(), PASSWORD, REMOTE_ADDR="198.51.100.7")

    assert "Too many failed attempts" in page_text(response)


def test_it_locks_an_address_that_guesses_at_many_accounts(db, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    victim = make_user("Vic Victim", "vic@example.com")
    for number in range(5):
        _login(Client(), WRONG, email=f"someone{number}@example.com")

    client = Client()
    response = _login(client, PASSWORD, email=victim.email)

    assert "Too many failed attempts" in page_text(response)
    assert not _signed_in(client)
    # Another network still gets in.
    other = Client()
    _login(other, PASSWORD, email=victim.email, REMOTE_ADDR="198.51.100.7")
    assert _signed_in(other)


def test_a_successful_login_starts_the_count_afresh(person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for _ in range(2):
        _login(Client(), WRONG)
    client = Client()
    _login(client, PASSWORD)
    assert _signed_in(client)
    for _ in range(2):
        _login(Client(), WRONG)

    again = Client()
    _login(again, PASSWORD)

    assert _signed_in(again)


def test_the_lock_ends_after_the_cooloff(person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _ in range(2):
        _login(Client(), WRONG)
    assert "Too many" in page_text(_login(Client(), PASSWORD))

    from django.core.cache import cache

    cache.clear()  # what the cool-off's expiry does
    client = Client()
    _login(client, PASSWORD)

    assert _signed_in(client)


def test_it_tells_the_lock_in_the_persons_language(person):
    for _ in range(10):
        _login(Client(), WRONG)

    response = _login(Client(), PASSWORD, HTTP_ACCEPT_LANGUAGE="de")

    assert "Anmeldeversuche" in page_text(response)


def test_it_throttles_the_admin_login_too(db):
    admin = make_user("Ada Admin", "ada@example.com")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    for _ in range(50):
        client.post(reverse("admin:login"), {"username": admin.email, "password": WRONG})

    response = client.post(
        reverse("admin:login"), {"username": admin.email, "password": PASSWORD}, follow=True
    )

    assert not _signed_in(client)
    assert "Too many failed attempts to log in" in page_text(response)


def test_a_reset_flood_sends_a_bounded_number_of_mails(person):
    client = Client()
    for _ in range(30):
        response = client.post(reverse("password_reset"), {"email": person.email})
        assert response.status_code in {200, 302}

    assert len(mail.outbox) == 3
    assert {message.to[0] for message in mail.outbox} == {person.email}


def test_a_reset_flood_from_one_network_is_told_to_wait(person, settings):
    settings.ACCOUNT_FORMS_PER_HOUR = 5
    client = Client()
    for number in range(5):
        client.post(reverse("password_reset"), {"email": f"x{number}@example.com"})

    response = client.post(reverse("password_reset"), {"email": person.email})

    assert response.status_code == 200
    assert "Too many requests from your network" in page_text(response)
    assert mail.outbox == []
