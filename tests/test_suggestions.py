"""Suggestions, not facts: the activities and KPIs a framework suggests for a phase are
offered in the phase panel's tray, never counted, and become a current activity with
one action that every open page sees (boards.actions.suggestion_accept)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from boards.actions import suggestion_accept
from boards.models import Card, CardKind, CardLink, OpLog
from boards.selectors import board_gaps, phase_suggestions
from tests.factories import make_board
from tests.helpers import page_text

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def fresh(org, members):
    """A board from the lifecycle sales template, with its example touchpoints."""
    return make_board(org, members["editor"], framework="sales4", examples=True)


def _first(board):
    return board.phases.order_by("position").first()


def test_it_offers_the_phases_activities_without_counting_them(fresh):
    first = _first(fresh)
    offered = phase_suggestions(fresh, first)

    assert [s["text"] for s in offered["activities"]] == [
        "Welcome e-mail on sign-up",
        "Functional design of every platform a prospect meets",
        "First message tailored from customer data",
    ]
    assert offered["activities"][0]["serves"] == "Sign-up"
    assert offered["source"].startswith("Lifecycle sales process")
    assert board_gaps(fresh)["phases"][0]["coverage"] == 0
    assert not Card.objects.filter(board=fresh, kind=CardKind.ACTIVITY).exists()


def test_it_turns_a_suggestion_into_a_current_activity_linked_to_its_touchpoint(
    fresh, members, django_capture_on_commit_callbacks
):
    first = _first(fresh)
    rev = fresh.rev

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        suggestion_accept(
            board=fresh,
            phase=first,
            index=0,
            text="Welcome e-mail on sign-up",
            actor=members["editor"],
        )

    card = Card.objects.get(board=fresh, kind=CardKind.ACTIVITY)
    assert (card.text, card.channel, card.phase_id) == (
        "Welcome e-mail on sign-up",
        "email",
        first.pk,
    )
    assert CardLink.objects.get(source=card).target.text == "Sign-up"
    # One revision through the op log, published to every open page on commit.
    fresh.refresh_from_db()
    assert fresh.rev == rev + 1
    assert OpLog.objects.filter(board=fresh).count() == 1
    assert callbacks
    phase = board_gaps(fresh)["phases"][0]
    assert (phase["covered_touchpoints"], phase["touchpoints"]) == (1, 3)
    # Accepted once: no longer offered.
    assert "Welcome e-mail on sign-up" not in [
        s["text"] for s in phase_suggestions(fresh, first)["activities"]
    ]


def test_it_refuses_a_stale_or_repeated_suggestion_and_changes_nothing(fresh, members):
    first = _first(fresh)
    with pytest.raises(ValidationError):
        suggestion_accept(
            board=fresh, phase=first, index=0, text="Something else", actor=members["editor"]
        )
    with pytest.raises(ValidationError):
        suggestion_accept(board=fresh, phase=first, index=9, text="", actor=members["editor"])
    assert not Card.objects.filter(board=fresh, kind=CardKind.ACTIVITY).exists()

    suggestion_accept(
        board=fresh,
        phase=first,
        index=0,
        text="Welcome e-mail on sign-up",
        actor=members["editor"],
    )
    with pytest.raises(ValidationError):
        suggestion_accept(
            board=fresh,
            phase=first,
            index=0,
            text="Welcome e-mail on sign-up",
            actor=members["editor"],
        )
    assert Card.objects.filter(board=fresh, kind=CardKind.ACTIVITY).count() == 1


def test_the_tray_shows_suggestions_apart_and_labels_the_products_own(org, members, client_for):
    board = make_board(org, members["editor"], framework="clm4_b2b", examples=True)
    url = reverse("panel_phase", args=[board.id, _first(board).id])

    editor = page_text(client_for("editor").get(url, **HTMX))
    viewer = page_text(client_for("viewer").get(url, **HTMX))

    assert "What the team could do here" in editor
    assert "Guides and reports for each buying role" in editor
    assert "suggested by Journeymap" in editor
    assert (
        'Add to the board<span class="visually-hidden">: Guides and reports for each buying '
        "role</span>" in editor
    )
    assert "Guides and reports for each buying role" in viewer
    assert "Add to the board" not in viewer  # a viewer reads, never adds


def test_the_panel_adds_a_suggestion_and_says_so(fresh, client_for):
    first = _first(fresh)
    url = reverse("panel_phase_suggestion", args=[fresh.id, first.id])

    response = client_for("editor").post(
        url, {"index": "0", "text": "Welcome e-mail on sign-up"}, **HTMX
    )

    assert "Added to the board as a current activity." in page_text(response)
    assert Card.objects.filter(board=fresh, text="Welcome e-mail on sign-up").exists()
    refused = client_for("editor").post(url, {"index": "x", "text": ""})
    assert refused.status_code == 400
    assert "That suggestion is no longer offered for this phase." in page_text(refused)
