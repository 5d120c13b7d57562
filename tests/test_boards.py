"""Boards: creating from a framework, the list, archive, delete, the board page and the
database constraints that hold whatever the code above them does."""

from __future__ import annotations

import json
import re

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from boards.frameworks import FRAMEWORKS
from boards.models import Arrow, Board, Card, CardKind, Direction, Phase, arrow_direction
from journeymap.access import Can
from journeymap.models import Membership, Role
from tests.factories import make_arrow, make_board, make_card, make_phase
from tests.helpers import page_text


def _card(board, phase, text, **fields) -> Card:
    return make_card(board, phase=phase, text=text, **fields)


def _phases(board) -> list[Phase]:
    return list(board.phases.order_by("position"))


# Creating


@pytest.mark.parametrize("key", list(FRAMEWORKS))
def test_it_creates_the_frameworks_phases_in_order(key, org, client_for):
    response = client_for("editor").post(
        reverse("board_create", args=[org.id]), {"title": f"{key} board", "framework": key}
    )

    board = Board.objects.get(title=f"{key} board")
    assert response["Location"] == reverse("board_detail", args=[board.id])
    assert board.framework == key
    phases = _phases(board)
    assert [p.name for p in phases] == [str(name) for name in FRAMEWORKS[key].phases]
    assert [p.position for p in phases] == list(range(len(phases)))


def test_it_shows_the_new_boards_phases_on_its_page(org, client_for):
    client = client_for("editor")
    client.post(reverse("board_create", args=[org.id]), {"title": "Race", "framework": "race"})
    board = Board.objects.get(title="Race")

    text = page_text(client.get(reverse("board_detail", args=[board.id])))

    headings = re.findall(r'<h2 class="phase-name" id="phase-name-\d+">([^<]*)</h2>', text)
    assert headings == ["Reach", "Act", "Convert", "Engage"]


# The list


def test_it_lists_a_board_with_its_phases_cards_and_last_editor(board, client_for):
    _card(board, _phases(board)[2], "Gone", deleted=True)

    text = page_text(client_for("viewer").get(reverse("board_list", args=[board.organisation_id])))

    assert "Webshop lifecycle" in text
    assert "Awareness · Consideration · Purchase · Loyalty" in text
    assert "2 cards" in text  # the deleted card is not counted
    assert re.search(r"edited .+? by Olivia Owner", text)


def test_it_names_whoever_edited_the_board_last(board, members, client_for):
    client_for("editor").post(reverse("board_rename", args=[board.id]), {"title": "Webshop v2"})

    text = page_text(client_for("viewer").get(reverse("board_list", args=[board.organisation_id])))

    assert "Webshop v2" in text
    assert re.search(r"edited .+? by Editor Person", text)


def test_it_counts_one_card_in_the_singular(org, members, client_for):
    client = client_for("editor")
    client.post(reverse("board_create", args=[org.id]), {"title": "Tiny", "framework": "blank"})
    board = Board.objects.get(title="Tiny")
    _card(board, _phases(board)[0], "Only one")

    text = page_text(client.get(reverse("board_list", args=[org.id])))

    assert "1 card" in text
    assert "1 cards" not in text


def test_it_shows_only_the_organisations_own_boards(board, outsider, client_for):
    other_org = outsider.memberships.get().organisation
    make_board(other_org, outsider, title="Secret plan", framework="race")

    text = page_text(client_for("owner").get(reverse("board_list", args=[board.organisation_id])))

    assert "Webshop lifecycle" in text
    assert "Secret plan" not in text


# Archive


def _tile_link(board) -> str:
    return f'href="{reverse("board_detail", args=[board.id])}"'


def test_it_moves_an_archived_board_out_of_the_list(board, client_for):
    client = client_for("facilitator")
    list_url = reverse("board_list", args=[board.organisation_id])

    archived = client.post(
        reverse("board_archive", args=[board.id]), {"archived": "1"}, follow=True
    )

    assert "“Webshop lifecycle” archived." in page_text(archived)
    assert Board.objects.get(pk=board.pk).archived
    assert _tile_link(board) not in page_text(client.get(list_url))
    archive_page = page_text(client.get(f"{list_url}?archived=1"))
    assert "Archived boards" in archive_page
    assert _tile_link(board) in archive_page
    assert "Webshop lifecycle" in archive_page


def test_it_restores_a_board_from_the_archive(board, client_for):
    client = client_for("facilitator")
    list_url = reverse("board_list", args=[board.organisation_id])
    client.post(reverse("board_archive", args=[board.id]), {"archived": "1"})

    restored = client.post(
        reverse("board_archive", args=[board.id]), {"archived": "0"}, follow=True
    )

    assert "“Webshop lifecycle” restored from the archive." in page_text(restored)
    assert not Board.objects.get(pk=board.pk).archived
    assert _tile_link(board) in page_text(client.get(list_url))
    assert _tile_link(board) not in page_text(client.get(f"{list_url}?archived=1"))


def test_it_offers_restore_in_the_archive_only_to_those_who_may(board, client_for):
    board.archived = True
    board.save(update_fields=["archived"])
    url = reverse("board_list", args=[board.organisation_id]) + "?archived=1"

    assert "Restore" in page_text(client_for("facilitator").get(url))
    assert "Restore" not in page_text(client_for("editor").get(url))


# Delete


@pytest.mark.parametrize(
    "typed", ["", "webshop lifecycle", "Webshop", "Webshop lifecycle!"], ids=repr
)
def test_it_deletes_only_when_the_exact_title_is_typed(typed, board, client_for):
    response = client_for("admin").post(
        reverse("board_delete", args=[board.id]), {"confirm_title": typed}
    )

    assert response.status_code == 200
    assert "Type the board's title exactly to delete it." in page_text(response)
    assert Board.objects.filter(pk=board.pk).exists()
    assert Card.objects.filter(board_id=board.pk).count() == 2


def test_it_deletes_the_board_with_its_cards_and_arrows(board, client_for):
    response = client_for("admin").post(
        reverse("board_delete", args=[board.id]),
        {"confirm_title": "Webshop lifecycle"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("board_list", args=[board.organisation_id])
    assert "“Webshop lifecycle” deleted." in page_text(response)
    assert not Board.objects.filter(pk=board.pk).exists()
    assert not Card.objects.filter(board_id=board.pk).exists()
    assert not Arrow.objects.filter(board_id=board.pk).exists()


# The board page (the canvas editor; its cards and arrows are drawn by the live client,
# and tests/test_outline.py covers the same board as server-rendered lists)


def test_it_shows_phases_and_the_way_to_the_outline_on_the_board_page(board, client_for):
    text = page_text(client_for("viewer").get(reverse("board_detail", args=[board.id])))

    headings = re.findall(r'<h2 class="phase-name" id="phase-name-\d+">([^<]*)</h2>', text)
    assert headings == ["Awareness", "Consideration", "Purchase", "Loyalty"]
    assert 'href="{}"'.format(reverse("board_outline", args=[board.id])) in text
    assert "You can view this board but not change it." in text


def _board_can(response) -> dict[str, bool]:
    found = re.search(
        r'<script id="board-can" type="application/json">(.*?)</script>', page_text(response)
    )
    assert found, "no #board-can on the page"
    return json.loads(found.group(1))


@pytest.mark.parametrize("page", ["board_detail", "board_outline"])
def test_it_tells_the_pages_scripts_what_the_person_may_do(board, client_for, page):
    url = reverse(page, args=[board.id])

    editor = _board_can(client_for("editor").get(url))
    viewer = _board_can(client_for("viewer").get(url))
    facilitator = _board_can(client_for("facilitator").get(url))

    assert set(editor) == {capability.value for capability in Can}
    assert all(isinstance(allowed, bool) for allowed in editor.values())
    assert (editor["edit_board"], editor["facilitate"]) == (True, False)
    assert (viewer["view_board"], viewer["edit_board"]) == (True, False)
    assert (facilitator["facilitate"], facilitator["share_board"]) == (True, True)


def test_it_offers_what_the_organisation_turned_off_to_nobody(board, org, client_for):
    org.allow_exports = False
    org.allow_share_links = False
    org.save(update_fields=["allow_exports", "allow_share_links"])
    response = client_for("owner").get(reverse("board_detail", args=[board.id]))

    can = _board_can(response)
    assert (can["export_board"], can["share_board"]) == (False, False)
    assert 'id="export-menu"' not in page_text(response)
    assert reverse("board_sharing", args=[board.id]) not in page_text(response)


def test_it_shows_the_organisation_settings_link_to_admins_only(board, client_for):
    settings_url = reverse("organisation_settings", args=[board.organisation_id])
    for page in (
        reverse("board_detail", args=[board.id]),
        reverse("board_list", args=[board.organisation_id]),
        reverse("member_list", args=[board.organisation_id]),
    ):
        assert settings_url in page_text(client_for("admin").get(page)), page
        assert settings_url not in page_text(client_for("facilitator").get(page)), page


@pytest.mark.parametrize(
    ("from_position", "to_position", "expected"),
    [
        (0, 1, Direction.FORWARD),
        (0, 3, Direction.FORWARD),
        (3, 1, Direction.BACKWARD),
        (1, 0, Direction.BACKWARD),
        (2, 2, Direction.SAME_PHASE),
        (None, 2, Direction.SAME_PHASE),
        (2, None, Direction.SAME_PHASE),
        (None, None, Direction.SAME_PHASE),
    ],
)
def test_it_derives_an_arrows_direction_from_phase_positions(from_position, to_position, expected):
    assert arrow_direction(from_position, to_position) == expected


def test_it_escapes_html_in_titles(org, members, client_for):
    client = client_for("editor")
    client.post(
        reverse("board_create", args=[org.id]),
        {"title": "<img src=x onerror=alert(1)>", "framework": "clm4"},
    )
    board = Board.objects.get(organisation=org)

    for url in [reverse("board_detail", args=[board.id]), reverse("board_list", args=[org.id])]:
        content = client.get(url).content.decode()
        assert "<img src=x" not in content
        assert "&lt;img src=x onerror=alert(1)&gt;" in content


# Database constraints


def _refused_by_database(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize(
    "fields",
    [
        {"w": 5},
        {"h": 5000},
        {"x": 2_000_000},
        {"y": -2_000_000},
        {"colour": "red"},
        {"kind": "poster"},
        {"channel": "carrier-pigeon"},
    ],
    ids=["narrow", "tall", "far-right", "far-up", "colour-name", "kind", "channel"],
)
def test_it_refuses_an_impossible_card_in_the_database(fields, board):
    defaults = {"kind": CardKind.NOTE, "text": "Bad"}

    _refused_by_database(lambda: make_card(board, **{**defaults, **fields}))

    assert Card.objects.filter(board=board).count() == 2


def test_it_refuses_an_arrow_from_a_card_to_itself(board):
    card = Card.objects.get(board=board, text="Instagram ad")

    _refused_by_database(lambda: make_arrow(board, card, card))

    assert Arrow.objects.filter(board=board).count() == 1


def test_it_refuses_a_negative_arrow_weight(board):
    first = Card.objects.get(board=board, text="Instagram ad")
    second = Card.objects.get(board=board, text="Welcome e-mail")

    _refused_by_database(lambda: make_arrow(board, second, first, weight=-1))


def test_it_refuses_a_board_or_phase_without_a_name(board, org):
    _refused_by_database(lambda: Board.objects.create(organisation=org, title=""))
    _refused_by_database(lambda: make_phase(board, position=9, name=""))
    _refused_by_database(lambda: make_phase(board, position=9, name="Extra", colour="blue"))

    assert Board.objects.count() == 1
    assert board.phases.count() == 4


def test_it_refuses_a_second_membership_or_an_unknown_role(org, members):
    _refused_by_database(
        lambda: Membership.objects.create(
            organisation=org, user=members["viewer"], role=Role.EDITOR
        )
    )
    _refused_by_database(
        lambda: Membership.objects.filter(user=members["viewer"]).update(role="emperor")
    )

    assert Membership.objects.get(organisation=org, user=members["viewer"]).role == Role.VIEWER
