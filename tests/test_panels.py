"""The editor's side panel: card details, board settings and people (boards/views/panels.py)."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from boards.models import Board, Card, OpLog
from tests.factories import make_board, make_card
from tests.helpers import page_text

EDITORS = ["owner", "admin", "facilitator", "editor"]
HTMX = {"HTTP_HX_REQUEST": "true"}


def card_url(board, card) -> str:
    return reverse("panel_card", args=[board.id, card.id])


def save_url(board, card) -> str:
    return reverse("panel_card_save", args=[board.id, card.id])


@pytest.fixture
def card(board) -> Card:
    return Card.objects.get(board=board, text="Instagram ad")


def valid_post(**changes) -> dict:
    return {"kind": "touchpoint", "channel": "", "text": "Instagram ad", "colour": ""} | changes


# Access


@pytest.mark.parametrize("role", EDITORS)
def test_it_lets_editors_and_above_change_a_card(client_for, board, card, role):
    response = client_for(role).post(save_url(board, card), valid_post(text="Reels ad"), **HTMX)

    assert response.status_code == 200
    assert "Saved." in page_text(response)
    card.refresh_from_db()
    assert card.text == "Reels ad"


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_it_shows_card_details_to_every_member(client_for, board, card, role):
    response = client_for(role).get(card_url(board, card))

    assert response.status_code == 200
    text = page_text(response)
    assert "Instagram ad" in text
    assert "Olivia Owner" in text  # the author
    assert "Awareness" in text  # the phase


def test_it_shows_a_viewer_the_card_read_only(client_for, board, card):
    response = client_for("viewer").get(card_url(board, card), **HTMX)

    text = page_text(response)
    assert "Instagram ad" in text
    assert "<form" not in text
    assert "<textarea" not in text
    assert "<select" not in text


def test_it_refuses_a_viewers_change(client_for, board, card):
    response = client_for("viewer").post(save_url(board, card), valid_post(text="Hacked"))

    assert response.status_code == 403
    card.refresh_from_db()
    assert card.text == "Instagram ad"
    assert OpLog.objects.filter(board=board).count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_the_card_from_outsiders(client_for, board, card, method):
    url = card_url(board, card) if method == "get" else save_url(board, card)
    response = getattr(client_for("outsider"), method)(url, valid_post())

    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client_for, board, card):
    response = client_for("anonymous").get(card_url(board, card))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_hides_cards_of_other_boards(client_for, board, org, members):
    other = make_board(org, members["owner"], title="Other")
    stranger = make_card(other, text="Elsewhere")

    response = client_for("owner").get(card_url(board, stranger))

    assert response.status_code == 404


def test_it_answers_404_for_an_unknown_card(client_for, board):
    response = client_for("owner").get(reverse("panel_card", args=[board.id, uuid.uuid4()]))

    assert response.status_code == 404


# Saving


def test_it_applies_the_change_as_one_revision(client_for, board, card, members):
    rev = board.rev

    client_for("editor").post(
        save_url(board, card),
        valid_post(kind="opportunity", channel="social", text="Reels ad", colour="#ffcc00"),
        **HTMX,
    )

    card.refresh_from_db()
    assert (card.kind, card.channel, card.text, card.colour) == (
        "opportunity",
        "social",
        "Reels ad",
        "#ffcc00",
    )
    board.refresh_from_db()
    assert board.rev == rev + 1
    entry = OpLog.objects.get(board=board)
    assert entry.rev == board.rev
    assert entry.user == members["editor"]
    # Only what changed is sent, so concurrent edits of other fields survive.
    assert entry.ops == [
        {
            "op": "card.update",
            "id": str(card.id),
            "kind": "opportunity",
            "channel": "social",
            "text": "Reels ad",
            "colour": "#ffcc00",
        }
    ]


def test_it_tells_the_page_which_card_was_saved(client_for, board, card):
    response = client_for("editor").post(save_url(board, card), valid_post(text="Reels ad"), **HTMX)

    assert json.loads(response["HX-Trigger"]) == {"jm:card-saved": {"id": str(card.id)}}


def test_it_sends_only_the_fields_that_changed(client_for, board, card):
    client_for("editor").post(save_url(board, card), valid_post(channel="email"), **HTMX)

    assert OpLog.objects.get(board=board).ops == [
        {"op": "card.update", "id": str(card.id), "channel": "email"}
    ]


def test_it_writes_nothing_when_nothing_changed(client_for, board, card):
    response = client_for("editor").post(save_url(board, card), valid_post(), **HTMX)

    assert "Nothing to save" in page_text(response)
    board.refresh_from_db()
    assert board.rev == 0
    assert not OpLog.objects.filter(board=board).exists()


def test_it_redirects_a_plain_form_post_back_to_the_panel(client_for, board, card):
    response = client_for("editor").post(save_url(board, card), valid_post(text="Reels ad"))

    assert response.status_code == 302
    assert response.url == card_url(board, card)
    card.refresh_from_db()
    assert card.text == "Reels ad"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "banner"}, "Choose one of the kinds in the list."),
        ({"text": "x" * 2001}, "Keep the text to 2000 characters (it has 2001)."),
        ({"channel": "telepathy"}, "Choose one of the channels in the list."),
        ({"colour": "red"}, "Give the colour as # and six hex digits"),
    ],
)
def test_it_refuses_bad_input_and_changes_nothing(client_for, board, card, changes, message):
    response = client_for("editor").post(save_url(board, card), valid_post(**changes), **HTMX)

    assert response.status_code == 200  # htmx swaps only 2xx answers
    text = page_text(response)
    assert "Nothing was saved" in text
    assert message in text
    card.refresh_from_db()
    assert (card.kind, card.channel, card.text, card.colour) == (
        "touchpoint",
        "",
        "Instagram ad",
        "",
    )
    board.refresh_from_db()
    assert board.rev == 0
    assert not OpLog.objects.filter(board=board).exists()


def test_it_answers_a_plain_bad_post_with_400(client_for, board, card):
    response = client_for("editor").post(save_url(board, card), valid_post(kind="banner"))

    assert response.status_code == 400
    assert "Choose one of the kinds in the list." in page_text(response)


def test_it_explains_when_the_card_was_deleted_meanwhile(client_for, board, card):
    client = client_for("editor")
    Card.objects.filter(pk=card.pk).update(deleted=True)

    response = client.post(save_url(board, card), valid_post(text="Too late"), **HTMX)

    text = page_text(response)
    assert "This card has been deleted." in text
    assert "<textarea" not in text
    card.refresh_from_db()
    assert card.text == "Instagram ad"
    assert not OpLog.objects.filter(board=board).exists()


# Fragment or page


def test_it_returns_only_the_fragment_to_htmx(client_for, board, card):
    response = client_for("editor").get(card_url(board, card), **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section class="jm-panel"')
    assert 'hx-post="' in html
    assert 'hx-target="closest .jm-panel"' in html


def test_it_returns_a_whole_page_without_htmx(client_for, board, card):
    response = client_for("editor").get(card_url(board, card))

    html = response.content.decode()
    assert "<html" in html
    assert 'class="jm-panel"' in html
    assert "css/panels.css" in html


def test_it_lists_the_cards_arrows_with_their_direction(client_for, board, card):
    response = client_for("viewer").get(card_url(board, card), **HTMX)

    text = page_text(response)
    assert "To “Welcome e-mail”" in text
    assert "Forward" in text
    assert "40%" in text


# Board settings


def test_it_shows_the_board_settings(client_for, board):
    response = client_for("viewer").get(reverse("panel_board", args=[board.id]), **HTMX)

    text = page_text(response)
    assert "<html" not in text
    assert "Webshop lifecycle" in text
    assert "<form" not in text
    for name in ["Awareness", "Consideration", "Purchase", "Loyalty"]:
        assert name in text
    assert "1 card" in text
    assert "0 cards" in text


@pytest.mark.parametrize("role", EDITORS)
def test_it_renames_the_board_as_one_revision(client_for, board, role):
    response = client_for(role).post(
        reverse("panel_board_rename", args=[board.id]), {"title": "  Webshop 2027 "}, **HTMX
    )

    assert "Board renamed." in page_text(response)
    board.refresh_from_db()
    assert board.title == "Webshop 2027"
    assert board.rev == 1
    assert OpLog.objects.get(board=board).ops == [{"op": "board.update", "title": "Webshop 2027"}]


def test_it_refuses_an_empty_title(client_for, board):
    response = client_for("editor").post(
        reverse("panel_board_rename", args=[board.id]), {"title": "   "}, **HTMX
    )

    assert "Give the board a title." in page_text(response)
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle"
    assert not OpLog.objects.filter(board=board).exists()


def test_it_refuses_a_viewers_rename(client_for, board):
    response = client_for("viewer").post(
        reverse("panel_board_rename", args=[board.id]), {"title": "Mine"}
    )

    assert response.status_code == 403
    assert Board.objects.get(pk=board.pk).title == "Webshop lifecycle"


@pytest.mark.parametrize("name", ["panel_board", "panel_people"])
def test_it_hides_the_board_panels_from_outsiders(client_for, board, name):
    response = client_for("outsider").get(reverse(name, args=[board.id]))

    assert response.status_code == 404


# People


def test_it_lists_the_organisations_members_with_roles(client_for, board, members):
    response = client_for("viewer").get(reverse("panel_people", args=[board.id]), **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    for role, user in members.items():
        assert f'data-user-id="{user.id}"' in html
        assert user.name in html
    assert "Facilitator" in html


def test_it_shows_the_people_panel_as_a_page(client_for, board):
    response = client_for("editor").get(reverse("panel_people", args=[board.id]))

    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("panel_card", "post"),
        ("panel_card_save", "get"),
        ("panel_card_links", "get"),
        ("panel_board", "post"),
        ("panel_board_rename", "get"),
        ("panel_board_template", "get"),
    ],
)
def test_each_panel_view_answers_one_method(client_for, board, card, name, method):
    args = [board.id, card.id] if name.startswith("panel_card") else [board.id]

    response = getattr(client_for("editor"), method)(reverse(name, args=args), valid_post())

    assert response.status_code == 405
    card.refresh_from_db()
    assert card.text == "Instagram ad"


def test_it_names_people_by_an_id_the_page_can_match_however_large(client_for, board, org):
    """Thousand separators (USE_THOUSAND_SEPARATOR) must not reach an id: the page marks
    who is on the board by matching it with the socket's user ids."""
    from journeymap.models import Membership, Role, User

    late = User.objects.create_user(email="late@example.com", name="Late Joiner", id=123456)
    Membership.objects.create(organisation=org, user=late, role=Role.EDITOR)
    html = client_for("viewer").get(reverse("panel_people", args=[board.id]), **HTMX)
    assert 'data-user-id="123456"' in html.content.decode()


# A panel drawn before someone else's edit


def shown(**values) -> dict:
    """What a panel drawn for the fixture card posts besides its fields: the values it
    showed, in the hidden initial-<name> fields the form renders."""
    return {f"initial-{name}": value for name, value in (valid_post() | values).items()}


def edit_on_the_canvas(board, card, user, **fields) -> None:
    from boards import actions

    actions.board_apply_ops(
        board=board, actor=user, ops=[{"op": "card.update", "id": str(card.id), **fields}]
    )


def test_the_panel_posts_the_values_it_showed(client_for, board, card):
    html = client_for("editor").get(card_url(board, card), **HTMX).content.decode()

    assert 'name="initial-text" value="Instagram ad"' in html
    assert 'name="initial-channel"' in html


def test_saving_another_field_from_a_stale_panel_keeps_the_new_text(
    client_for, board, card, members
):
    edit_on_the_canvas(board, card, members["facilitator"], text="Reels ad")

    client_for("editor").post(save_url(board, card), valid_post(channel="email") | shown(), **HTMX)

    card.refresh_from_db()
    assert (card.text, card.channel) == ("Reels ad", "email")
    assert OpLog.objects.filter(board=board).order_by("rev").last().ops == [
        {"op": "card.update", "id": str(card.id), "channel": "email"}
    ]


def test_text_typed_in_a_stale_panel_is_merged_with_the_canvas_edit(
    client_for, board, card, members
):
    edit_on_the_canvas(board, card, members["facilitator"], text="Paid Instagram ad")

    client_for("editor").post(
        save_url(board, card),
        valid_post(text="Instagram ad with coupon") | shown(),
        **HTMX,
    )

    card.refresh_from_db()
    assert card.text == "Paid Instagram ad with coupon"
