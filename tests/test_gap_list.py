"""The one gap list (boards/gaps.py, boards/gap_list.py) on hand-made boards: every rule
of the method, the phrasing that never contradicts coverage, and arrows that say what
a movement back means."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from boards.exports.build import export_board
from boards.selectors import board_gaps
from tests.factories import StateBoard, make_arrow, make_board, make_card, make_link
from tests.helpers import page_text


def kinds(phase: dict) -> list[str]:
    return [gap["kind"] for gap in phase["gaps"]]


def test_it_lists_every_rule_of_the_method_in_one_list_per_phase_and_for_the_board():
    board = StateBoard("Awareness", "Purchase")
    board.state["phases"][1]["kpis"] = [
        {"name": "Repeat-purchase rate", "value": 18, "target": 25, "unit": "%"}
    ]
    ad = board.card("touchpoint", 0, "Instagram ad")
    board.link(board.card("activity", 0, "Paid social", channel="social"), ad)
    cart = board.card("touchpoint", 1, "Shopping cart")
    board.card("activity", 1, "Abandoned-cart e-mail", channel="email")  # serves nothing
    board.card("opportunity", 1, "Loyalty points", kpi="Churn rate")
    board.arrow(cart, ad, weight=30)

    gaps = board.gaps()
    awareness, purchase = gaps["phases"]

    assert kinds(awareness) == ["no_kpi"]
    assert kinds(purchase) == ["uncovered", "kpi_off_target", "unknown_kpi", "fall_back"]
    messages = [gap["message"] for gap in purchase["gaps"]]
    assert messages == [
        "“Shopping cart” has no activity behind it",
        "“Repeat-purchase rate” is at 18; its target is 25.",
        "The opportunity “Loyalty points” names the KPI “Churn rate”, which this phase "
        "does not list.",
        "Customers fall back from “Shopping cart” to Awareness, and no activity catches them.",
    ]
    assert purchase["gaps"][0]["card"] == cart
    # The board's list is the phases' lists in order, and the totals count it.
    assert gaps["gaps"] == awareness["gaps"] + purchase["gaps"]
    assert gaps["totals"]["gaps"] == 5
    assert gaps["totals"]["unhandled_fall_backs"] == 1
    assert gaps["totals"]["phases_without_kpi"] == 1


def test_it_never_says_a_covered_phase_does_nothing():
    """An activity placed in one phase may serve another phase's touchpoint: the second
    phase is covered, and the gap says where its activity stands instead."""
    board = StateBoard("Awareness", "Purchase")
    confirmation = board.card("touchpoint", 1, "Order confirmation e-mail")
    board.link(board.card("activity", 0, "Welcome e-mail on sign-up"), confirmation)

    purchase = board.gaps()["phases"][1]

    assert purchase["coverage"] == 100
    assert purchase["no_activity"] is True
    [gap] = [gap for gap in purchase["gaps"] if gap["kind"] == "no_activity"]
    assert gap["message"] == (
        "No activity is placed in this phase; its touchpoints are served from other phases."
    )
    assert "does nothing" not in " ".join(g["message"] for g in purchase["gaps"])


def test_it_says_the_team_does_nothing_only_where_nothing_is_covered():
    board = StateBoard("Awareness")
    board.card("touchpoint", 0, "Search result")

    [awareness] = board.gaps()["phases"]

    assert "No current activity: the team does nothing here yet." in [
        gap["message"] for gap in awareness["gaps"]
    ]


def test_it_shows_a_reactivation_loop_as_movement_not_as_a_gap():
    board = StateBoard("Purchase", "Loyalty", "Win-back")
    cart = board.card("touchpoint", 0, "Shopping cart")
    offer = board.card("touchpoint", 2, "Win-back offer")
    board.arrow(offer, cart, weight=12, movement="reactivated", label="buys again")

    gaps = board.gaps()
    win_back = gaps["phases"][2]

    assert "fall_back" not in kinds(win_back)
    assert [arrow["movement"] for arrow in win_back["backward"]] == ["reactivated"]
    assert win_back["flows"]["returning"] == {"arrows": 1, "weight": 12.0}
    assert win_back["flows"]["back"] == {"arrows": 0, "weight": 0.0}
    assert gaps["totals"]["unhandled_fall_backs"] == 0


def test_it_does_not_list_a_fall_back_an_activity_handles():
    board = StateBoard("Purchase", "Loyalty")
    cart = board.card("touchpoint", 0, "Shopping cart")
    programme = board.card("touchpoint", 1, "Loyalty programme")
    board.link(board.card("activity", 1, "Points for every purchase"), programme)
    handled = board.arrow(programme, cart, weight=20)  # a loss, but the team is there
    lost = board.arrow(board.card("touchpoint", 1, "Cancelled subscription"), cart, weight=5)

    loyalty = board.gaps()["phases"][1]

    assert [a["handled"] for a in loyalty["backward"]] == [True, False]
    assert [gap.get("arrow") for gap in loyalty["gaps"] if gap["kind"] == "fall_back"] == [lost]
    assert handled not in [gap.get("arrow") for gap in loyalty["gaps"]]
    assert loyalty["flows"]["back"] == {"arrows": 2, "weight": 25.0}


def test_it_sums_the_flow_shares_that_move_on_fall_back_and_return():
    board = StateBoard("Awareness", "Purchase", "Loyalty")
    ad = board.card("touchpoint", 0, "Ad")
    cart = board.card("touchpoint", 1, "Cart")
    review = board.card("touchpoint", 2, "Review")
    board.arrow(cart, review, weight=40)
    board.arrow(cart, review, weight=None)  # counted, with no share
    board.arrow(cart, ad, weight=35)
    board.arrow(cart, ad, weight=10, movement="return")

    flows = board.gaps()["phases"][1]["flows"]

    assert flows == {
        "on": {"arrows": 2, "weight": 40.0},
        "back": {"arrows": 1, "weight": 35.0},
        "returning": {"arrows": 1, "weight": 10.0},
    }


def test_it_flags_a_channel_used_elsewhere_where_the_framework_suggests_it():
    """The six-stage Engagement phase suggests e-mail; the team e-mails in Conversion but
    not in Engagement. Display it uses nowhere, so that is no gap of this kind."""
    board = StateBoard(
        "Discovery",
        "Engagement",
        "Conversion",
        "Retention",
        "Loyalty",
        "Advocacy",
        framework="six_stage",
    )
    board.card("activity", 2, "Abandoned-cart e-mail", channel="email")

    gaps = board.gaps()
    engagement = gaps["phases"][1]

    channel_gaps = [gap for gap in engagement["gaps"] if gap["kind"] == "channel"]
    assert [gap["channel"] for gap in channel_gaps] == ["email"]
    assert channel_gaps[0]["message"] == (
        "“E-mail automation” is used in other phases but not here, where it suits this phase."
    )
    # Discovery suggests no e-mail: nothing to flag there.
    assert "channel" not in kinds(gaps["phases"][0])
    # The matrix marks what the framework suggests, never the "No channel" row.
    rows = {row["key"]: row for row in gaps["matrix"]["rows"]}
    assert rows["email"]["cells"][1] == {
        "phase": "p1",
        "count": 0,
        "empty": True,
        "suggested": True,
    }
    assert not any(cell["suggested"] for cell in rows[""]["cells"])


def test_it_reports_a_kpi_on_target_and_a_known_kpi_as_no_gap():
    board = StateBoard("Loyalty")
    board.state["phases"][0]["kpis"] = [
        {"name": "Churn rate", "value": 3, "target": 3, "unit": "%"},
        {"name": "CLV", "value": None, "target": 500, "unit": ""},
    ]
    board.link(board.card("activity", 0), board.card("touchpoint", 0))
    board.card("opportunity", 0, "Win-back", kpi="churn rate")  # case does not matter

    [loyalty] = board.gaps()["phases"]

    assert loyalty["gaps"] == []


# The same list in every place that shows gaps.


@pytest.fixture
def worked(org, members):
    """A board from the lifecycle sales template with every kind of gap and a loop: a
    handled touchpoint, a reactivation back to it, an unhandled fall-back, a KPI off its
    target, an opportunity naming a KPI its phase does not list."""
    owner = members["owner"]
    board = make_board(org, owner, title="Method look", framework="sales4", examples=True)
    first, retention, win_back, _ambassador = board.phases.order_by("position")
    retention.kpis = [{"name": "Repeat-purchase rate", "value": 18, "target": 25, "unit": "%"}]
    retention.save(update_fields=["kpis"])
    signup = board.cards.get(text="Sign-up")
    welcome = make_card(
        board, kind="activity", phase=first, text="Welcome e-mail", channel="email", y=400
    )
    make_link(board, welcome, signup)
    offer = board.cards.get(text="Win-back offer")
    winback = make_card(
        board, kind="activity", phase=win_back, text="Offer sized by CLV", channel="email", y=400
    )
    make_link(board, winback, offer)
    make_arrow(board, offer, signup, weight=12, label="buys again", movement="reactivated")
    make_arrow(board, board.cards.get(text="First purchase or trial"), signup, weight=30)
    make_arrow(board, signup, board.cards.get(text="First purchase or trial"), weight=60)
    make_card(
        board, kind="opportunity", phase=retention, text="Loyalty points", kpi="Churn rate", y=500
    )
    return board


def test_the_panel_the_marks_and_every_export_show_the_one_list(worked, client_for):
    gaps = board_gaps(worked)
    messages = [gap["message"] for gap in gaps["gaps"]]
    kinds_found = {gap["kind"] for gap in gaps["gaps"]}
    assert kinds_found >= {
        "uncovered",
        "no_activity",
        "no_kpi",
        "kpi_off_target",
        "channel",
        "unknown_kpi",
        "fall_back",
    }
    client = client_for("viewer")
    panel = page_text(client.get(reverse("panel_gaps", args=[worked.id]), HTTP_HX_REQUEST="true"))
    marks = client.get(reverse("board_gaps_json", args=[worked.id])).json()
    document = json.loads(export_board(worked, "json").content)
    table = export_board(worked, "csv").content.decode("utf-8-sig")
    pdf = export_board(worked, "pdf").content
    if os.environ.get("JM_KEEP_PDF"):  # to look at the pages: pdftoppm -png <file> <prefix>
        Path(os.environ["JM_KEEP_PDF"]).write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    report = " ".join(" ".join(page.extract_text().split()) for page in reader.pages[1:])

    assert [gap["message"] for gap in document["gaps"]] == messages
    assert [m for phase in marks["phases"].values() for m in phase["gaps"]] == messages
    for message in messages:
        assert message in panel
        assert message in table
        assert " ".join(message.split()) in report, message
    # The reactivation is a loop, shown, and never a gap.
    assert "Customers are reactivated from “Win-back offer” to First impression" in panel
    assert "reactivated" not in " ".join(messages)
