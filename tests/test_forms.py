"""Bad input: the person gets a message they understand, and nothing is saved."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boards.models import Board
from journeymap.models import Invite, Organisation, User
from tests.conftest import PASSWORD
from tests.helpers import page_text

NO_TITLE = "Give the board a title."
TOO_LONG = "Keep the title to 120 characters (it has 500)."

BAD_TITLES = [
    pytest.param("", NO_TITLE, id="empty"),
    pytest.param("   \t ", NO_TITLE, id="whitespace"),
    pytest.param("x" * 500, TOO_LONG, id="500-characters"),
]


@pytest.mark.parametrize(("title", "message"), BAD_TITLES)
def test_it_refuses_a_bad_title_for_a_new_board(title, message, org, board, client_for):
    before = Board.objects.count()

    response = client_for("editor").post(
        reverse("board_create", args=[org.id]), {"title": title, "framework": "clm4"}
    )

    assert response.status_code == 400
    assert message in page_text(response)
    assert Board.objects.count() == before


def test_it_refuses_an_unknown_framework(org, board, client_for):
    before = Board.objects.count()

    response = client_for("editor").post(
        reverse("board_create", args=[org.id]), {"title": "Shop", "framework": "aida"}
    )

    assert response.status_code == 400
    assert "Choose one of the frameworks in the list." in page_text(response)
    assert Board.objects.count() == before


def test_it_keeps_what_was_typed_when_a_new_board_is_refused(org, client_for):
    response = client_for("editor").post(
        reverse("board_create", args=[org.id]), {"title": "Shop journey", "framework": "aida"}
    )

    assert 'value="Shop journey"' in page_text(response)


@pytest.mark.parametrize(("title", "message"), BAD_TITLES)
def test_it_refuses_a_bad_title_for_a_rename(title, message, board, client_for):
    response = client_for("editor").post(
        reverse("board_rename", args=[board.id]), {"title": title}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("board_detail", args=[board.id])
    assert message in page_text(response)
    assert "Board renamed." not in page_text(response)
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle"


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "whitespace"])
def test_it_refuses_an_organisation_without_a_name(name, members, client_for):
    before = Organisation.objects.count()

    response = client_for("editor").post(reverse("organisation_create"), {"name": name})

    assert response.status_code == 200
    assert "Give the organisation a name." in page_text(response)
    assert Organisation.objects.count() == before


def test_it_refuses_to_rename_an_organisation_to_nothing(org, client_for):
    response = client_for("owner").post(
        reverse("organisation_settings", args=[org.id]), {"name": "  "}
    )

    assert "Give the organisation a name." in page_text(response)
    assert Organisation.objects.get(pk=org.pk).name == "Acme Marketing"


def _signup(data: dict):
    return Client().post(reverse("signup"), data)


def test_it_refuses_passwords_that_do_not_match(db):
    response = _signup(
        {
            "name": "Nina",
            "email": "nina@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD + "!",
        }
    )

    assert "The two password fields didn’t match." in page_text(response)
    assert not User.objects.exists()


def test_it_refuses_a_too_common_password(db):
    response = _signup(
        {
            "name": "Nina",
            "email": "nina@example.com",
            "password1": "password123",
            "password2": "password123",
        }
    )

    assert "This password is too common." in page_text(response)
    assert not User.objects.exists()


def test_it_signs_up_with_good_input(db):
    response = _signup(
        {
            "name": "Nina New",
            "email": "Nina@Example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
    )

    assert response.status_code == 200
    assert "Check your inbox" in page_text(response)
    nina = User.objects.get()
    assert nina.email == "nina@example.com"
    assert not nina.email_verified


def test_it_refuses_an_invite_to_a_malformed_address(org, client_for):
    response = client_for("owner").post(
        reverse("invite_create", args=[org.id]),
        {"email": "nina(at)example", "role": "editor"},
        follow=True,
    )

    assert "Enter a valid email address." in page_text(response)
    assert not Invite.objects.exists()
