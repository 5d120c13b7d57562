"""The canvas board editor, driven the way a person does: mouse, keyboard, two pages."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from boards.models import Arrow, Card, CardKind, Phase, Priority
from tests.browser.axe import assert_accessible
from tests.browser.pages import (
    add_card_by_key,
    card,
    centre,
    drag,
    lane_spot,
    phase,
    rev,
    settled,
    type_card_text,
    wait_for_rev,
    whole_board,
)

# Phases


def test_it_renames_a_phase_in_place(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    olivia.get_by_role("button", name="Options for phase Awareness").click()
    olivia.get_by_role("menuitem", name="Rename").click()
    olivia.get_by_label("Phase name").fill("Discovery")
    olivia.get_by_label("Phase name").press("Enter")

    headings = eddie.get_by_role("list", name="Lifecycle phases").get_by_role("heading")
    expect(headings).to_have_text(["Discovery", "Consideration", "Purchase", "Loyalty"])
    expect(phase(olivia, "Discovery")).to_be_visible()
    assert_accessible(olivia, "editor: renamed")
    shot(olivia, "renamed")
    settled(olivia)
    assert board.phases.get(position=0).name == "Discovery"


def test_it_adds_reorders_and_deletes_phases(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    whole_board(olivia)

    olivia.get_by_role("button", name="Add phase").click()
    olivia.get_by_label("Phase name").fill("Advocacy")
    olivia.get_by_label("Phase name").press("Enter")
    headings = olivia.get_by_role("list", name="Lifecycle phases").get_by_role("heading")
    expect(headings).to_have_text(["Awareness", "Consideration", "Purchase", "Loyalty", "Advocacy"])

    # Reorder by dragging the header, and by the menu.
    drag(
        olivia,
        centre(phase(olivia, "Advocacy").get_by_role("heading")),
        centre(phase(olivia, "Loyalty").get_by_role("heading")),
    )
    expect(headings).to_have_text(["Awareness", "Consideration", "Purchase", "Advocacy", "Loyalty"])
    olivia.get_by_role("button", name="Options for phase Advocacy").click()
    olivia.get_by_role("menuitem", name="Move left").click()
    expect(headings).to_have_text(["Awareness", "Consideration", "Advocacy", "Purchase", "Loyalty"])

    # Delete Awareness, moving its card to Consideration.
    whole_board(olivia)
    olivia.get_by_role("button", name="Options for phase Awareness").click()
    olivia.get_by_role("menuitem", name="Delete phase…").click()
    dialog = olivia.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the phase Awareness?")
    # The first phase has no phase before it: the phase after is offered, and chosen.
    expect(dialog.get_by_label("Move them to the phase after, Consideration")).to_be_checked()
    assert_accessible(olivia, "editor: dialog")
    shot(olivia, "delete-dialog")
    dialog.get_by_role("button", name="Delete phase").click()
    expect(headings).to_have_text(["Consideration", "Advocacy", "Purchase", "Loyalty"])
    expect(
        phase(olivia, "Consideration").get_by_role("group", name=re.compile("Instagram ad"))
    ).to_be_visible()
    settled(olivia)
    assert list(board.phases.order_by("position").values_list("name", flat=True)) == [
        "Consideration",
        "Advocacy",
        "Purchase",
        "Loyalty",
    ]
    assert Card.objects.get(text="Instagram ad").phase.name == "Consideration"


# Cards


def test_it_creates_each_kind_by_mouse_and_by_keyboard(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    whole_board(olivia)
    whole_board(eddie)

    olivia.get_by_role("button", name="Add touchpoint").click()
    type_card_text(olivia, "Newsletter sign-up")
    olivia.mouse.dblclick(*lane_spot(olivia, "Purchase", 0))
    type_card_text(olivia, "Checkout page")
    add_card_by_key(olivia, "Awareness", "a", "Paid social campaign", slot=1)
    add_card_by_key(olivia, "Consideration", "n", "Ask analytics for bounce rates", slot=1)
    add_card_by_key(olivia, "Loyalty", "o", "Referral programme\nfor ambassadors", slot=0)

    expect(card(olivia, "Newsletter sign-up")).to_be_visible()
    expect(
        phase(olivia, "Purchase").get_by_role("group", name="Touchpoint: Checkout page")
    ).to_be_visible()
    expect(
        phase(eddie, "Awareness").get_by_role(
            "group", name="Current activity: Paid social campaign"
        )
    ).to_be_visible()
    expect(
        phase(eddie, "Consideration").get_by_role(
            "group", name="Note: Ask analytics for bounce rates"
        )
    ).to_be_visible()
    expect(
        phase(eddie, "Loyalty").get_by_role("group", name=re.compile(r"^Opportunity: Referral"))
    ).to_be_visible()
    assert_accessible(olivia, "editor: kinds")
    shot(olivia, "kinds")
    settled(olivia)
    kinds = dict(Card.objects.filter(board=board, deleted=False).values_list("text", "kind"))
    assert kinds["Checkout page"] == "touchpoint"
    assert kinds["Paid social campaign"] == "activity"
    assert kinds["Ask analytics for bounce rates"] == "note"
    assert kinds["Referral programme\nfor ambassadors"] == "opportunity"
    assert Card.objects.get(text="Checkout page").phase.name == "Purchase"


def test_it_edits_text_in_place_up_to_the_limit(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    card(olivia, "Instagram ad").dblclick()
    editor = olivia.get_by_label("Card text")
    editor.fill("x" * 2100)
    expect(olivia.get_by_text("2,000 of 2,000 characters: that is the limit.")).to_be_visible()
    assert_accessible(olivia, "editor: limit")
    shot(olivia, "limit")
    editor.fill("Instagram ad\nwith a discount code")
    expect(olivia.get_by_text(re.compile("that is the limit"))).to_have_count(0)
    editor.press("Control+Enter")

    expect(card(eddie, "Instagram ad\nwith a discount code")).to_be_visible()
    # Enter edits the focused card, too.
    card(olivia, "Instagram ad\nwith a discount code").press("Enter")
    olivia.get_by_label("Card text").fill("Instagram story ad")
    olivia.get_by_label("Card text").press("Escape")
    expect(card(eddie, "Instagram story ad")).to_be_visible()
    settled(olivia)
    assert Card.objects.get(board=board, kind="touchpoint").text == "Instagram story ad"


def test_it_moves_a_card_to_another_phase_by_drag_and_by_keyboard(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    ad = card(olivia, "Instagram ad")

    drag(olivia, centre(ad), lane_spot(olivia, "Purchase", 1))

    expect(
        phase(olivia, "Purchase").get_by_role("group", name="Touchpoint: Instagram ad")
    ).to_be_visible()
    expect(
        phase(eddie, "Purchase").get_by_role("group", name="Touchpoint: Instagram ad")
    ).to_be_visible()
    settled(olivia)
    moved = Card.objects.get(text="Instagram ad")
    assert moved.phase.name == "Purchase"
    assert 0 <= moved.x < 480  # stored relative to its column

    # Keyboard: arrow keys move the selected card; crossing a column changes its phase.
    ad.focus()
    for _ in range(20):
        ad.press("ArrowLeft")
    expect(
        phase(eddie, "Consideration").get_by_role("group", name="Touchpoint: Instagram ad")
    ).to_be_visible()
    assert_accessible(eddie, "editor: moved")
    shot(eddie, "moved")


def test_it_resizes_a_card(open_board, board, members):
    olivia = open_board(members["owner"])
    ad = card(olivia, "Instagram ad")
    ad.click()
    box = ad.bounding_box()
    corner = (box["x"] + box["width"], box["y"] + box["height"])
    drag(olivia, corner, (corner[0] + 90, corner[1] + 60))

    def size():
        c = Card.objects.get(text="Instagram ad")
        return c.w, c.h

    expect(ad).not_to_have_css("width", f"{box['width']}px")
    settled(olivia)
    w, h = size()
    assert w > 180
    assert h > 110
    ad.press("Alt+ArrowRight")
    card_id = Card.objects.get(text="Instagram ad").id
    olivia.wait_for_function(f"() => journeymapEditor.cardsById.get('{card_id}').w === {w + 20}")


def test_it_deletes_and_duplicates_cards(open_board, board, members):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    card(olivia, "Instagram ad").click()
    olivia.get_by_role("button", name="Duplicate").click()
    expect(card(eddie, "Instagram ad")).to_have_count(2)

    olivia.keyboard.press("Delete")
    expect(card(eddie, "Instagram ad")).to_have_count(1)
    card(olivia, "Welcome e-mail", "Current activity").click()
    olivia.get_by_role("button", name="Delete card Welcome e-mail").click()
    expect(card(eddie, "Welcome e-mail", "Current activity")).to_have_count(0)
    settled(olivia)
    assert Card.objects.get(text="Welcome e-mail").deleted
    assert Card.objects.filter(text="Instagram ad", deleted=False).count() == 1


def test_a_duplicate_and_an_undo_keep_an_opportunitys_priority_owner_and_kpi(
    open_board, board, members, shot
):
    purchase = Phase.objects.get(board=board, name="Purchase")
    purchase.kpis = [{"name": "Cart abandonment rate", "value": 70, "target": 55, "unit": "%"}]
    purchase.save(update_fields=["kpis"])
    Card.objects.create(
        id=uuid.uuid4(),
        board=board,
        kind=CardKind.OPPORTUNITY,
        phase=purchase,
        y=300,
        text="Cart recovery SMS",
        priority=Priority.HIGH,
        owner=members["editor"],
        kpi="Cart abandonment rate",
        author=members["owner"],
    )
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    whole_board(olivia)
    whole_board(eddie)
    opportunity = card(olivia, "Cart recovery SMS", "Opportunity")

    def details_show_the_strategy(page: Page) -> None:
        panel = page.get_by_role("region", name="Card details")
        expect(panel.get_by_label("Priority")).to_have_value("high")
        expect(panel.get_by_label("Owner")).to_have_value(str(members["editor"].pk))
        expect(panel.get_by_label("KPI it should move")).to_have_value("Cart abandonment rate")

    opportunity.click()
    olivia.get_by_role("button", name="Duplicate").click()
    expect(card(eddie, "Cart recovery SMS", "Opportunity")).to_have_count(2)
    settled(olivia)
    # The copy is selected: its details are the original's, strategy included.
    details_show_the_strategy(olivia)
    assert_accessible(olivia, "editor: duplicate")
    shot(olivia, "duplicate")
    copies = Card.objects.filter(text="Cart recovery SMS", deleted=False)
    assert {(c.priority, c.owner_id, c.kpi) for c in copies} == {
        ("high", members["editor"].pk, "Cart abandonment rate")
    }
    assert copies.count() == 2

    olivia.get_by_role("button", name="Undo").click()
    expect(card(eddie, "Cart recovery SMS", "Opportunity")).to_have_count(1)
    olivia.get_by_role("button", name="Redo").click()
    expect(card(eddie, "Cart recovery SMS", "Opportunity")).to_have_count(2)

    # Deleting the original and undoing brings it back whole. (Its copy lies over it,
    # 24 units down and right: take it by its top left corner.)
    corner = {"x": 8, "y": 8}
    card(olivia, "Cart recovery SMS", "Opportunity").first.click(position=corner)
    olivia.keyboard.press("Delete")
    expect(card(eddie, "Cart recovery SMS", "Opportunity")).to_have_count(1)
    olivia.keyboard.press("Control+z")
    expect(card(eddie, "Cart recovery SMS", "Opportunity")).to_have_count(2)
    settled(olivia)
    card(olivia, "Cart recovery SMS", "Opportunity").first.click(position=corner)
    details_show_the_strategy(olivia)
    alive = Card.objects.filter(text="Cart recovery SMS", deleted=False)
    assert alive.count() == 2
    assert {(c.priority, c.owner_id, c.kpi) for c in alive} == {
        ("high", members["editor"].pk, "Cart abandonment rate")
    }


def test_it_moves_a_multi_selection_as_one_change(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    whole_board(olivia)
    a = card(olivia, "Instagram ad")
    b = card(olivia, "Welcome e-mail", "Current activity")
    a.click()
    b.click(modifiers=["Shift"])
    expect(olivia.get_by_role("button", name="Delete 2 cards")).to_be_visible()
    before = rev(board)
    ya = a.bounding_box()["y"]

    start = centre(a)
    drag(olivia, start, (start[0], start[1] + 160))

    wait_for_rev(olivia, before + 1)
    assert rev(board) == before + 1
    assert a.bounding_box()["y"] > ya + 50
    assert {c.y for c in Card.objects.filter(board=board)} == {
        Card.objects.get(text="Instagram ad").y
    }

    # Rubber band (Shift+drag on empty space) selects both again; recolour them as one.
    olivia.keyboard.press("Escape")
    box_a, box_b = a.bounding_box(), b.bounding_box()
    olivia.keyboard.down("Shift")
    drag(
        olivia,
        (box_a["x"] - 30, box_a["y"] - 20),
        (box_b["x"] + box_b["width"] + 20, box_b["y"] + box_b["height"] + 20),
    )
    olivia.keyboard.up("Shift")
    expect(olivia.get_by_role("button", name="Delete 2 cards")).to_be_visible()
    olivia.get_by_role("group", name="Card colour").get_by_role("button", name="Colour 3").click()
    wait_for_rev(olivia, before + 2)
    assert_accessible(olivia, "editor: recoloured")
    shot(olivia, "recoloured")
    settled(olivia)
    assert set(Card.objects.filter(board=board).values_list("colour", flat=True)) == {"#bfdbfe"}


# Arrows


def test_it_draws_forward_and_backward_arrows_that_follow_their_cards(
    open_board, board, members, shot
):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    whole_board(olivia)
    whole_board(eddie)
    forward = olivia.get_by_role(
        "button", name="Arrow from Instagram ad to Welcome e-mail, forward"
    )
    expect(forward).to_have_attribute("data-direction", "forward")

    welcome = card(olivia, "Welcome e-mail", "Current activity")
    welcome.click()
    connector = welcome.get_by_role("button", name="Connect to…")
    drag(olivia, centre(connector), centre(card(olivia, "Instagram ad")))

    name = "Arrow from Welcome e-mail to Instagram ad, backward"
    backward = eddie.get_by_role("button", name=name)
    expect(backward).to_have_attribute("data-direction", "backward")
    line = olivia.get_by_role("button", name=name).locator(".arrow-line")
    expect(line).to_have_css("stroke-dasharray", re.compile(r"\d+(\.\d+)?px, \d"))
    expect(forward.locator(".arrow-line")).to_have_css("stroke-dasharray", "none")
    expect(forward.locator(".arrow-line")).to_have_css("stroke", "rgb(37, 99, 235)")
    expect(line).to_have_css("stroke", "rgb(220, 38, 38)")
    assert_accessible(olivia, "editor: arrows")
    shot(olivia, "arrows")

    # The arrows follow a card as it moves, in the other page too.
    path = eddie.get_by_role("button", name=name).locator(".arrow-line")
    before = path.get_attribute("d")
    drag(olivia, centre(welcome), (centre(welcome)[0], centre(welcome)[1] + 200))
    expect(path).not_to_have_attribute("d", before)

    # Label and weight in place.
    olivia.get_by_role("button", name=name).focus()
    olivia.get_by_label("Label").fill("Returns")
    olivia.get_by_label("Weight").fill("12")
    olivia.get_by_label("Weight").press("Enter")
    expect(eddie.get_by_role("button", name=name)).to_contain_text("Returns · 12")
    assert_accessible(eddie, "editor: label")
    shot(eddie, "label")
    settled(olivia)
    arrow = Arrow.objects.get(label="Returns")
    assert arrow.weight == 12

    # Delete it with the Delete key.
    olivia.get_by_role("button", name=name).focus()
    olivia.keyboard.press("Delete")
    expect(eddie.get_by_role("button", name=name)).to_have_count(0)


# Undo, viewers, presence


def test_undo_reverts_only_your_own_changes(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])

    add_card_by_key(olivia, "Purchase", "t", "Mine to undo")
    expect(card(eddie, "Mine to undo")).to_be_visible()

    card(eddie, "Welcome e-mail", "Current activity").dblclick()
    eddie.get_by_label("Card text").fill("Eddie's welcome series")
    eddie.get_by_label("Card text").press("Escape")
    expect(card(olivia, "Eddie's welcome series", "Current activity")).to_be_visible()

    olivia.keyboard.press("Control+z")  # undoes Olivia's new card (made with its text)
    expect(card(eddie, "Mine to undo")).to_have_count(0)
    expect(card(eddie, "Eddie's welcome series", "Current activity")).to_be_visible()
    expect(card(olivia, "Eddie's welcome series", "Current activity")).to_be_visible()
    # Nothing of Olivia's is left to undo; Eddie's edit is not hers to undo.
    expect(olivia.get_by_role("button", name="Undo")).to_be_disabled()
    olivia.keyboard.press("Control+z")
    expect(
        olivia.get_by_role("status").filter(has_text="Nothing of yours to undo.")
    ).to_be_visible()
    expect(card(olivia, "Eddie's welcome series", "Current activity")).to_be_visible()

    olivia.keyboard.press("Control+Shift+z")
    expect(card(eddie, "Mine to undo")).to_be_visible()
    olivia.get_by_role("button", name="Undo").click()
    expect(card(eddie, "Mine to undo")).to_have_count(0)
    olivia.get_by_role("button", name="Redo").click()
    expect(card(eddie, "Mine to undo")).to_be_visible()
    assert_accessible(olivia, "editor: redone")
    shot(olivia, "redone")
    settled(olivia)
    assert Card.objects.get(text="Eddie's welcome series").deleted is False
    assert Card.objects.get(text="Mine to undo").deleted is False


def test_a_viewer_sees_live_changes_but_cannot_edit(open_board, board, members, shot):
    victor = open_board(members["viewer"])
    olivia = open_board(members["owner"])

    expect(victor.get_by_text("You can view this board but not change it.")).to_be_visible()
    expect(victor.get_by_role("button", name="Add touchpoint")).to_have_count(0)
    victor.mouse.dblclick(*lane_spot(victor, "Purchase"))
    victor.keyboard.press("t")
    expect(victor.get_by_label("Card text")).to_have_count(0)
    card(victor, "Instagram ad").click()
    victor.keyboard.press("Delete")
    expect(victor.get_by_role("button", name=re.compile("^Delete card"))).to_have_count(0)
    expect(card(victor, "Instagram ad")).to_be_visible()

    add_card_by_key(olivia, "Loyalty", "o", "VIP preview")
    expect(card(victor, "VIP preview", "Opportunity")).to_be_visible()
    assert_accessible(victor, "editor: viewer")
    shot(victor, "viewer")
    settled(olivia)
    assert Card.objects.filter(board=board, deleted=False).count() == 3


def test_it_shows_who_is_here_with_live_cursors(open_board, board, members, shot):
    olivia = open_board(members["owner"])
    eddie = open_board(members["editor"])
    expect(olivia.get_by_role("list", name="Who is here").get_by_role("listitem")).to_have_count(2)

    eddie.mouse.move(*lane_spot(eddie, "Consideration", 1))
    eddie.mouse.move(*lane_spot(eddie, "Consideration", 2), steps=5)
    cursor = olivia.locator(".remote-cursor").filter(has_text="Editor Person")
    expect(cursor).to_be_visible()

    card(eddie, "Instagram ad").dblclick()
    expect(card(olivia, "Instagram ad")).to_contain_text("Editor Person is editing")
    assert_accessible(olivia, "editor: presence")
    shot(olivia, "presence")
    eddie.get_by_label("Card text").press("Escape")
    expect(card(olivia, "Instagram ad")).not_to_contain_text("Editor Person is editing")


def test_it_pans_and_zooms(open_board, members):
    olivia = open_board(members["owner"])
    whole_board(olivia)
    zoom = olivia.get_by_role("button", name=re.compile("^Zoom level"))
    olivia.get_by_role("button", name="Zoom level", exact=False).click()
    expect(zoom).to_have_text(re.compile("100%"))
    olivia.get_by_role("button", name="Zoom in").click()
    expect(zoom).to_have_text(re.compile("125%"))
    x, y = lane_spot(olivia, "Purchase", 2)
    before = card(olivia, "Instagram ad").bounding_box()
    drag(olivia, (x, y), (x - 200, y - 50))
    after = card(olivia, "Instagram ad").bounding_box()
    assert abs(after["x"] - (before["x"] - 200)) < 2
    olivia.mouse.move(x, y)
    olivia.mouse.wheel(0, 300)
    expect(zoom).not_to_have_text(re.compile("125%"))
    # Whole phases at a readable size; the rest is a pan away (test_working_zoom.py).
    olivia.get_by_role("button", name="Fit board").click()
    expect(zoom).to_have_text(re.compile(r"(7[5-9]|[89]\d|1\d\d)%"))
    assert Phase.objects.count() == 4
