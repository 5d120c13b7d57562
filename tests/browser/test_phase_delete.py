"""Deleting a phase, as a facilitator does it mid-workshop: the page asks where its cards
and KPIs go (the phase before, the phase after, or away with it), on the canvas and in
the outline, and Undo brings the phase back whole (issue 15, item 10)."""

from __future__ import annotations

import re
import uuid

from django.urls import reverse
from playwright.sync_api import expect

from boards.models import Arrow, Card, CardKind, Phase
from tests.browser.axe import assert_accessible
from tests.browser.pages import card, phase, settled
from tests.browser.test_outline import cards_of, open_outline  # noqa: F401 (a fixture)
from tests.factories import make_arrow, make_card


def kpi(name: str, value=None) -> dict:
    return {"name": name, "value": value, "target": None, "unit": ""}


def setup_board(board, owner) -> None:
    """Consideration holds a touchpoint with an arrow to Purchase; Awareness and
    Consideration have KPIs."""
    phases = {p.name: p for p in board.phases.all()}
    Phase.objects.filter(pk=phases["Awareness"].pk).update(kpis=[kpi("Reach", 5000)])
    Phase.objects.filter(pk=phases["Consideration"].pk).update(
        kpis=[kpi("Visits", 800), kpi("Sign-ups", 40)]
    )
    compare = make_card(
        board,
        kind=CardKind.TOUCHPOINT,
        phase=phases["Consideration"],
        text="Comparison page",
        author=owner,
    )
    checkout = Card.objects.get(text="Welcome e-mail")
    make_arrow(board, compare, checkout, label="30%", author=owner)


def headings(page):
    return page.get_by_role("list", name="Lifecycle phases").get_by_role("heading")


def test_the_editor_asks_where_cards_and_kpis_go_and_undo_brings_the_phase_back(
    open_board, board, members, shot
):
    setup_board(board, members["owner"])
    olivia = open_board(members["owner"])
    olivia.get_by_role("button", name="Fit board").click()

    olivia.get_by_role("button", name="Options for phase Consideration").click()
    olivia.get_by_role("menuitem", name="Delete phase…").click()
    dialog = olivia.get_by_role("dialog", name="Delete the phase Consideration?")
    expect(dialog).to_contain_text("Cards in it: 2. KPIs: 2.")
    before = dialog.get_by_label("Move them to the phase before, Awareness")
    expect(before).to_be_checked()
    expect(dialog.get_by_label("Move them to the phase after, Purchase")).to_be_visible()
    expect(dialog.get_by_label(re.compile("Delete them with the phase"))).to_be_visible()
    assert_accessible(olivia, "editor: phase delete dialog")
    shot(olivia, "dialog")
    dialog.get_by_role("button", name="Delete phase").click()

    expect(headings(olivia)).to_have_text(["Awareness", "Purchase", "Loyalty"])
    # The keyboard is where the cards went.
    expect(olivia.get_by_role("button", name="Options for phase Awareness")).to_be_focused()
    moved = phase(olivia, "Awareness").get_by_role("group", name=re.compile("Comparison page"))
    expect(moved).to_be_visible()
    settled(olivia)
    # Below Awareness's own card, not on top of it.
    own = card(olivia, "Instagram ad").bounding_box()
    assert moved.bounding_box()["y"] >= own["y"] + own["height"]
    shot(olivia, "moved")
    awareness = Phase.objects.get(board=board, name="Awareness")
    assert [k["name"] for k in awareness.kpis] == ["Reach", "Visits", "Sign-ups"]

    olivia.get_by_role("button", name="Undo").click()
    expect(headings(olivia)).to_have_text(["Awareness", "Consideration", "Purchase", "Loyalty"])
    expect(
        phase(olivia, "Consideration").get_by_role("group", name=re.compile("Comparison page"))
    ).to_be_visible()
    settled(olivia)
    restored = Phase.objects.get(board=board, name="Consideration")
    assert restored.position == 1
    assert [k["name"] for k in restored.kpis] == ["Visits", "Sign-ups"]
    assert [k["name"] for k in Phase.objects.get(pk=awareness.pk).kpis] == ["Reach"]
    assert Card.objects.get(text="Comparison page").phase_id == restored.pk
    assert Card.objects.get(text="Instagram ad").phase.name == "Awareness"


def test_deleting_a_phase_with_its_cards_is_undone_with_their_arrows(
    open_board, board, members, shot
):
    setup_board(board, members["owner"])
    olivia = open_board(members["owner"])
    olivia.get_by_role("button", name="Fit board").click()

    olivia.get_by_role("button", name="Options for phase Consideration").click()
    olivia.get_by_role("menuitem", name="Delete phase…").click()
    dialog = olivia.get_by_role("dialog", name="Delete the phase Consideration?")
    dialog.get_by_label(re.compile("Delete them with the phase")).check()
    dialog.get_by_role("button", name="Delete phase").click()

    expect(headings(olivia)).to_have_text(["Awareness", "Purchase", "Loyalty"])
    expect(olivia.get_by_role("group", name=re.compile("Comparison page"))).to_have_count(0)
    settled(olivia)
    assert Card.objects.get(text="Comparison page").deleted
    assert Arrow.objects.get(label="30%").deleted

    olivia.get_by_role("button", name="Undo").click()
    expect(
        phase(olivia, "Consideration").get_by_role("group", name=re.compile("Comparison page"))
    ).to_be_visible()
    shot(olivia, "undone")
    settled(olivia)
    assert not Card.objects.get(text="Comparison page").deleted
    assert not Arrow.objects.get(label="30%").deleted
    assert [k["name"] for k in Phase.objects.get(board=board, name="Consideration").kpis] == [
        "Visits",
        "Sign-ups",
    ]


def test_the_outline_deletes_a_phase_asking_where_its_cards_go(
    open_outline,  # noqa: F811
    board,
    members,
    shot,
):
    setup_board(board, members["owner"])
    page = open_outline(members["owner"])

    page.get_by_role("button", name="Delete phase Consideration").click()
    dialog = page.get_by_role("dialog", name="Delete the phase Consideration?")
    dialog.get_by_label("Move them to the phase after, Purchase").check()
    assert_accessible(page, "outline: phase delete dialog")
    shot(page, "dialog")
    dialog.get_by_role("button", name="Delete phase").click()

    expect(page.get_by_role("list", name="Consideration", exact=True)).to_have_count(0)
    expect(cards_of(page, "Purchase").get_by_text("Comparison page", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Delete phase Purchase")).to_be_focused()
    shot(page, "after")
    purchase = Phase.objects.get(board=board, name="Purchase")
    assert Card.objects.get(text="Comparison page").phase_id == purchase.pk
    assert [k["name"] for k in purchase.kpis] == ["Visits", "Sign-ups"]
    assert reverse("board_outline", args=[board.id]) in page.url


def test_undo_brings_back_a_phase_of_more_cards_than_one_frame_carries(open_board, board, members):
    """600 cards: their way back is more than 500 ops, so it goes as several frames."""
    owner = members["owner"]
    consideration = board.phases.get(name="Consideration")
    Card.objects.bulk_create(
        Card(
            id=uuid.uuid4(),
            board=board,
            kind=CardKind.NOTE,
            phase=consideration,
            x=(n % 2) * 220,
            y=200 + (n // 2) * 130,
            text=f"Idea {n}",
            author=owner,
        )
        for n in range(600)
    )
    olivia = open_board(owner)
    count = phase(olivia, "Consideration").locator(".count")
    expect(count).to_have_text("601")

    olivia.get_by_role("button", name="Options for phase Consideration").click()
    olivia.get_by_role("menuitem", name="Delete phase…").click()
    dialog = olivia.get_by_role("dialog", name="Delete the phase Consideration?")
    dialog.get_by_role("button", name="Delete phase").click()
    expect(phase(olivia, "Awareness").locator(".count")).to_have_text("602")

    olivia.get_by_role("button", name="Undo").click()
    expect(count).to_have_text("601")
    expect(phase(olivia, "Awareness").locator(".count")).to_have_text("1")
    settled(olivia)
    restored = Phase.objects.get(board=board, name="Consideration")
    assert Card.objects.filter(phase=restored, deleted=False).count() == 601
    assert not olivia.get_by_role("alert").filter(has_text=re.compile("too")).count()
