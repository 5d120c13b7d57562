"""The outline view's page as the server renders it (before JavaScript takes over)."""

from __future__ import annotations

import re

from django.urls import reverse

from boards.models import Arrow, Card, Phase
from tests.factories import make_arrow, make_card
from tests.helpers import page_text


def outline(client, board) -> str:
    return page_text(client.get(reverse("board_outline", args=[board.id])))


def _card(board, phase, text: str, **fields) -> Card:
    return make_card(board, phase=phase, text=text, **fields)


def test_it_lists_the_phases_with_their_cards(board, client_for):
    text = outline(client_for("viewer"), board)

    headings = re.findall(r'<h2 id="outline-phase-\d+">([^<]*)</h2>', text)
    assert headings == ["Awareness", "Consideration", "Purchase", "Loyalty"]
    assert text.index("Instagram ad") < text.index(">Consideration</h2>")
    assert text.index("Welcome e-mail") > text.index(">Consideration</h2>")
    assert "Touchpoint" in text
    assert "Nothing in this phase yet" in text
    assert 'href="{}"'.format(reverse("board_detail", args=[board.id])) in text
    assert "Canvas view" in text


def test_it_tells_a_viewer_they_cannot_change_the_board(board, client_for):
    viewer = outline(client_for("viewer"), board)
    editor = outline(client_for("editor"), board)

    assert 'data-can-edit="false"' in viewer
    assert 'data-can-edit="true"' in editor
    assert 'id="view-only" hidden>' in editor
    assert 'id="view-only">' in viewer


def test_it_lists_how_customers_move_with_directions(board, client_for):
    first = Card.objects.get(board=board, text="Instagram ad")
    second = Card.objects.get(board=board, text="Welcome e-mail")
    make_arrow(board, second, first)

    text = outline(client_for("viewer"), board)

    rows = re.findall(
        r'<span class="badge dir-\w+">([^<]+)</span>\s*<span class="outline-arrow-path">([^<]+)',
        text,
    )
    assert dict((path, label) for label, path in rows) == {
        "Instagram ad → Welcome e-mail": "Forward",
        "Welcome e-mail → Instagram ad": "Backward",
    }
    assert "40%" in text


def test_it_hides_deleted_cards(board, client_for):
    _card(board, board.phases.first(), "Thrown away", deleted=True)

    assert "Thrown away" not in outline(client_for("viewer"), board)


def test_it_shows_cards_outside_every_phase_last(board, client_for):
    _card(board, None, "Floating idea")

    text = outline(client_for("viewer"), board)

    headings = re.findall(r'<h2 id="outline-phase-\d+">([^<]*)</h2>', text)
    assert headings[-1] == "Outside the line"
    assert text.index("Floating idea") > text.index(">Loyalty</h2>")


def test_it_follows_the_phase_order(board, client_for):
    awareness, consideration = board.phases.order_by("position")[:2]
    Phase.objects.filter(pk=awareness.pk).update(position=1)
    Phase.objects.filter(pk=consideration.pk).update(position=0)

    text = outline(client_for("viewer"), board)

    assert text.index(">Consideration</h2>") < text.index(">Awareness</h2>")
    assert "Backward" in text


def test_it_escapes_user_text(board, client_for):
    _card(board, board.phases.first(), '<script>alert("card")</script>')
    first = Card.objects.get(board=board, text="Instagram ad")
    Arrow.objects.filter(from_card=first).update(label="<i>50%</i>")

    content = client_for("viewer").get(reverse("board_outline", args=[board.id])).content
    content = content.decode()

    assert "<script>alert(" not in content
    assert "&lt;script&gt;" in content
    assert "<i>50%</i>" not in content


def test_it_hides_the_outline_from_outsiders_and_strangers(board, client_for):
    url = reverse("board_outline", args=[board.id])

    assert client_for("outsider").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
