"""The gap analysis and the strategy overview (boards/gaps.py): computed on hand-made
board states, and through the selectors on boards in the database."""

from __future__ import annotations

import json
import uuid

import pytest

from boards.gaps import coverage_tone, gaps_from_state, strategy_from_state
from boards.live.commit import commit_ops
from boards.models import Card, CardKind, CardLink, Channel
from boards.selectors import board_gaps, board_state, board_strategy
from tests.factories import StateBoard as Board
from tests.factories import make_arrow, make_card, make_link


def _by_name(gaps: dict) -> dict[str, dict]:
    return {phase["name"]: phase for phase in gaps["phases"]}


# Gaps on hand-made boards.


def test_it_reports_an_empty_board_as_all_gaps_and_no_coverage():
    gaps = Board("Awareness", "Consideration", "Purchase", "Loyalty").gaps()

    assert [phase["name"] for phase in gaps["phases"]] == [
        "Awareness",
        "Consideration",
        "Purchase",
        "Loyalty",
    ]
    for phase in gaps["phases"]:
        assert phase["touchpoints"] == phase["activities"] == phase["opportunities"] == 0
        assert phase["coverage"] is None  # nothing to cover is not 0 % covered
        assert phase["uncovered"] == []
        assert phase["no_activity"] is True
        assert phase["no_touchpoint"] is True
        assert phase["backward"] == []
    assert gaps["totals"] == {
        "phases": 4,
        "touchpoints": 0,
        "activities": 0,
        "opportunities": 0,
        "covered_touchpoints": 0,
        "coverage": None,
        "uncovered": 0,
        "phases_without_activity": 4,
        "phases_without_touchpoint": 4,
        "phases_without_kpi": 4,
        "backward_arrows": 0,
        "unhandled_fall_backs": 0,
        "gaps": 12,  # per phase: no touchpoint, no activity, no KPI
    }
    assert gaps["uncovered_ids"] == []
    assert gaps["outside"] == {
        "touchpoints": 0,
        "activities": 0,
        "opportunities": 0,
        "notes": 0,
        "covered_touchpoints": 0,
        "uncovered": [],
    }


def test_it_reports_full_coverage_when_every_touchpoint_has_an_activity():
    board = Board("Awareness", "Purchase")
    ad = board.card("touchpoint", 0, "Instagram ad")
    search = board.card("touchpoint", 0, "Search result")
    checkout = board.card("touchpoint", 1, "Checkout")
    social = board.card("activity", 0, "Paid social", channel="social")
    board.link(social, ad)
    board.link(board.card("activity", 0, "SEO", channel="search"), search)
    board.link(board.card("activity", 1, "Cart mail", channel="email"), checkout)

    gaps = board.gaps()

    for phase in gaps["phases"]:
        assert phase["coverage"] == 100
        assert phase["uncovered"] == []
        assert phase["no_activity"] is phase["no_touchpoint"] is False
    assert _by_name(gaps)["Awareness"]["covered_touchpoints"] == 2
    assert gaps["totals"]["coverage"] == 100
    assert gaps["totals"]["covered_touchpoints"] == 3
    assert gaps["uncovered_ids"] == []


def test_it_reports_partial_cover_and_lists_the_uncovered_touchpoints():
    board = Board("Awareness", "Purchase", "Loyalty")
    ad = board.card("touchpoint", 0, "Instagram ad")
    search = board.card("touchpoint", 0, "Search result")
    podcast = board.card("touchpoint", 0, "Podcast")
    review = board.card("touchpoint", 2, "Review request")
    board.link(board.card("activity", 0, "Paid social"), ad)
    # An activity serving two touchpoints covers both, and two activities one only once.
    mail = board.card("activity", 2, "Review mail")
    board.link(mail, review)
    board.link(board.card("activity", 2, "Review reminder"), review)

    gaps = board.gaps()
    awareness, purchase, loyalty = gaps["phases"]

    assert (awareness["touchpoints"], awareness["covered_touchpoints"]) == (3, 1)
    assert awareness["coverage"] == 33  # rounded down: 100 only when all are covered
    assert awareness["uncovered"] == [
        {"id": search, "text": "Search result"},
        {"id": podcast, "text": "Podcast"},
    ]
    assert purchase["coverage"] is None
    assert purchase["no_activity"]
    assert purchase["no_touchpoint"]
    assert (loyalty["coverage"], loyalty["activities"]) == (100, 2)
    assert gaps["totals"]["touchpoints"] == 4
    assert gaps["totals"]["covered_touchpoints"] == 2
    assert gaps["totals"]["coverage"] == 50
    assert gaps["totals"]["phases_without_activity"] == 1
    assert gaps["totals"]["phases_without_touchpoint"] == 1
    assert gaps["uncovered_ids"] == [search, podcast]


def test_it_rounds_coverage_down_so_that_one_gap_never_shows_as_100():
    board = Board("Awareness", "Purchase")
    activity = board.card("activity", 0)
    touchpoints = [board.card("touchpoint", 0) for _ in range(200)]
    for touchpoint in touchpoints[:199]:
        board.link(activity, touchpoint)
    assert board.gaps()["phases"][0]["coverage"] == 99


def test_it_does_not_count_an_opportunity_link_as_cover():
    board = Board("Awareness", "Purchase")
    ad = board.card("touchpoint", 0, "Instagram ad")
    board.link(board.card("opportunity", 0, "Lookalike audiences"), ad)

    phase = board.gaps()["phases"][0]

    assert (phase["touchpoints"], phase["opportunities"], phase["activities"]) == (1, 1, 0)
    assert phase["covered_touchpoints"] == 0
    assert phase["coverage"] == 0
    assert phase["uncovered"] == [{"id": ad, "text": "Instagram ad"}]
    assert phase["no_activity"] is True


def test_it_counts_notes_in_no_column_and_ignores_arrows_for_cover():
    board = Board("Awareness", "Purchase")
    ad = board.card("touchpoint", 0, "Instagram ad")
    note = board.card("note", 0, "Ask analytics")
    activity = board.card("activity", 0, "Paid social")
    board.arrow(activity, ad)  # movement, not service
    board.arrow(note, ad)

    phase = board.gaps()["phases"][0]

    assert phase["uncovered"] == [{"id": ad, "text": "Instagram ad"}]
    assert (phase["touchpoints"], phase["activities"], phase["opportunities"]) == (1, 1, 0)


def test_it_counts_cards_outside_every_phase_separately():
    board = Board("Awareness", "Purchase")
    loose = board.card("touchpoint", None, "Trade fair")
    covered = board.card("touchpoint", None, "Flyer")
    board.link(board.card("activity", None, "Flyer drop", channel="direct_mail"), covered)
    board.card("note", None, "Parking lot")
    board.card("opportunity", None, "Fair follow-up")
    inside = board.card("touchpoint", 0, "Instagram ad")

    gaps = board.gaps()

    assert gaps["outside"] == {
        "touchpoints": 2,
        "activities": 1,
        "opportunities": 1,
        "notes": 1,
        "covered_touchpoints": 1,
        "uncovered": [{"id": loose, "text": "Trade fair"}],
    }
    assert gaps["totals"]["touchpoints"] == 1  # the phases' own
    assert gaps["uncovered_ids"] == [inside, loose]  # but every card gets its mark
    direct_mail = next(row for row in gaps["matrix"]["rows"] if row["key"] == "direct_mail")
    assert (direct_mail["total"], direct_mail["outside"]) == (0, 1)


def test_it_never_counts_what_a_state_holds_of_deleted_cards():
    # A state holds no deleted cards; a link to a card it does not hold counts for nothing.
    board = Board("Awareness", "Purchase")
    ad = board.card("touchpoint", 0, "Instagram ad")
    board.state["links"].append({"id": "gone", "from": "deleted-activity", "to": ad})
    board.state["arrows"].append(
        {"id": "gone-arrow", "from": ad, "to": "deleted-card", "label": "", "weight": 3}
    )
    gaps = board.gaps()
    assert gaps["phases"][0]["uncovered"] == [{"id": ad, "text": "Instagram ad"}]
    assert gaps["totals"]["backward_arrows"] == 0


def test_it_lists_backward_arrows_with_their_weights_under_the_phase_they_leave():
    board = Board("Awareness", "Consideration", "Purchase")
    ad = board.card("touchpoint", 0, "Instagram ad")
    page = board.card("touchpoint", 1, "Product page")
    cart = board.card("touchpoint", 2, "Cart")
    board.arrow(ad, page, weight=60, label="60%")  # forward
    back = board.arrow(cart, page, weight=25.5, label="25.5% back to browsing")
    to_start = board.arrow(cart, ad, label="")
    board.arrow(page, board.card("note", 1))  # within a phase
    board.arrow(cart, board.card("touchpoint", None, "Outside"))  # no phase: no direction

    gaps = board.gaps()
    phases = _by_name(gaps)

    assert phases["Awareness"]["backward"] == []
    assert phases["Consideration"]["backward"] == []
    assert phases["Purchase"]["backward"] == [
        {
            "id": back,
            "from_card": cart,
            "from_text": "Cart",
            "to_card": page,
            "to_phase": "Consideration",
            "to_phase_id": board.phase(1),
            "weight": 25.5,
            "label": "25.5% back to browsing",
            "movement": "fall_back",
            "handled": False,
            "sentence": "Customers fall back from “Cart” to Consideration",
        },
        {
            "id": to_start,
            "from_card": cart,
            "from_text": "Cart",
            "to_card": ad,
            "to_phase": "Awareness",
            "to_phase_id": board.phase(0),
            "weight": None,
            "label": "",
            "movement": "fall_back",
            "handled": False,
            "sentence": "Customers fall back from “Cart” to Awareness",
        },
    ]
    assert gaps["totals"]["backward_arrows"] == 2


def test_it_follows_the_phase_positions_not_the_list_order():
    board = Board("Awareness", "Purchase")
    first, second = board.state["phases"]
    first["position"], second["position"] = 1, 0  # "Purchase" now comes first
    ad = board.card("touchpoint", 0)  # in Awareness, now the later phase
    cart = board.card("touchpoint", 1)
    arrow = board.arrow(ad, cart)

    gaps = board.gaps()

    assert [phase["name"] for phase in gaps["phases"]] == ["Purchase", "Awareness"]
    assert [item["id"] for item in gaps["phases"][1]["backward"]] == [arrow]


def test_it_builds_the_channel_matrix_with_empty_cells_marked():
    board = Board("Awareness", "Purchase")
    board.card("activity", 0, channel="social")
    board.card("activity", 0, channel="social")
    board.card("activity", 1, channel="email")
    board.card("activity", 1)  # no channel
    board.card("touchpoint", 0, channel="search")  # touchpoints are not activities

    matrix = board.gaps()["matrix"]

    keys = [channel["key"] for channel in matrix["channels"]]
    assert keys == [key for key in Channel.values if key] + [""]
    assert [row["key"] for row in matrix["rows"]] == keys
    assert matrix["phases"] == [
        {"id": board.phase(0), "name": "Awareness"},
        {"id": board.phase(1), "name": "Purchase"},
    ]
    rows = {row["key"]: row for row in matrix["rows"]}
    assert [(c["count"], c["empty"]) for c in rows["social"]["cells"]] == [(2, False), (0, True)]
    assert [(c["count"], c["empty"]) for c in rows["email"]["cells"]] == [(0, True), (1, False)]
    assert [c["count"] for c in rows[""]["cells"]] == [0, 1]
    assert rows["search"]["total"] == 0
    assert all(cell["empty"] for cell in rows["search"]["cells"])
    assert [cell["phase"] for cell in rows["social"]["cells"]] == [board.phase(0), board.phase(1)]
    assert rows["social"]["label"] == "Social media"
    assert sum(row["total"] for row in matrix["rows"]) == 4


def test_it_carries_each_phases_kpis():
    board = Board("Awareness", "Purchase")
    kpis = [{"name": "Website traffic", "value": 1200, "target": 2000, "unit": "visits"}]
    board.state["phases"][0]["kpis"] = kpis
    gaps = board.gaps()
    assert gaps["phases"][0]["kpis"] == kpis
    assert gaps["phases"][0]["kpis"] is not kpis  # a copy: callers may change it
    assert gaps["phases"][1]["kpis"] == []


# Strategy.


def test_it_groups_opportunities_by_phase_then_priority():
    board = Board("Awareness", "Loyalty")
    board.state["phases"][1]["kpis"] = [
        {"name": "Repeat-purchase rate", "value": None, "target": None, "unit": "%"}
    ]
    review = board.card("touchpoint", 1, "Review request")
    delivery = board.card("touchpoint", 1, "Delivery")
    later = board.card("opportunity", 1, "Loyalty points", priority="low")
    urgent = board.card(
        "opportunity", 1, "Review mail", priority="high", owner=7, kpi="repeat-purchase rate"
    )
    board.link(urgent, review)
    board.link(urgent, delivery)
    unsorted = board.card("opportunity", 1, "Unboxing video", kpi="Unboxing views")
    board.card("opportunity", 0, "Lookalikes", priority="medium")
    board.card("activity", 1, "Not an opportunity", priority="high")
    loose = board.card("opportunity", None, "Trade fair", priority="high")

    strategy = strategy_from_state(board.state)
    json.dumps(strategy)

    awareness, loyalty = strategy["phases"]
    assert [group["priority"] for group in loyalty["groups"]] == ["high", "medium", "low", ""]
    assert [group["label"] for group in loyalty["groups"]] == [
        "High",
        "Medium",
        "Low",
        "No priority",
    ]
    high, medium, low, none = (group["opportunities"] for group in loyalty["groups"])
    assert high == [
        {
            "id": urgent,
            "text": "Review mail",
            "priority": "high",
            "owner": 7,
            "kpi": "repeat-purchase rate",
            "kpi_known": True,  # names match whatever the case
            "status": "",
            "status_label": "Idea",
            "due": "",
            "touchpoints": [
                {"id": review, "text": "Review request"},
                {"id": delivery, "text": "Delivery"},
            ],
        }
    ]
    assert medium == []
    assert [o["id"] for o in low] == [later]
    assert [(o["id"], o["kpi_known"]) for o in none] == [(unsorted, False)]
    assert loyalty["count"] == 3
    assert loyalty["kpis"][0]["name"] == "Repeat-purchase rate"
    assert awareness["count"] == 1
    assert [o["text"] for o in awareness["groups"][1]["opportunities"]] == ["Lookalikes"]
    assert strategy["outside"]["count"] == 1
    assert strategy["outside"]["groups"][0]["opportunities"][0]["id"] == loose
    assert strategy["total"] == 5


# Through the selectors, from the database.


def _card(board, phase, kind, text, **fields) -> Card:
    return make_card(board, phase=phase, kind=kind, text=text, **fields)


def _link(board, source, target, **fields) -> CardLink:
    return make_link(board, source, target, **fields)


@pytest.mark.django_db
def test_it_computes_the_live_boards_gaps_without_deleted_cards_or_links(board, members):
    phases = list(board.phases.order_by("position"))
    ad = Card.objects.get(board=board, text="Instagram ad")
    mail = Card.objects.get(board=board, text="Welcome e-mail")
    social = _card(board, phases[0], CardKind.ACTIVITY, "Paid social", channel="social")
    _link(board, social, ad, deleted=True)  # unlinked: covers nothing
    search = _card(board, phases[0], CardKind.TOUCHPOINT, "Search result", y=200)
    seo = _card(board, phases[0], CardKind.ACTIVITY, "SEO", channel="search", deleted=True)
    _link(board, seo, search)  # its activity is deleted: covers nothing
    _card(board, phases[0], CardKind.TOUCHPOINT, "Binned", deleted=True)
    checkout = _card(board, phases[2], CardKind.TOUCHPOINT, "Checkout")
    _link(board, mail, checkout)

    gaps = board_gaps(board)

    awareness, consideration, purchase, loyalty = gaps["phases"]
    assert awareness["touchpoints"] == 2  # not the binned one
    assert awareness["activities"] == 1  # not the deleted SEO
    assert awareness["uncovered"] == [
        {"id": str(ad.id), "text": "Instagram ad"},
        {"id": str(search.id), "text": "Search result"},
    ]
    assert consideration["activities"] == 1
    assert consideration["no_touchpoint"] is True
    assert purchase["coverage"] == 100  # served from another phase: still served
    assert loyalty["no_activity"]
    assert loyalty["no_touchpoint"]
    assert gaps["uncovered_ids"] == [str(ad.id), str(search.id)]
    rows = {row["key"]: row for row in gaps["matrix"]["rows"]}
    assert rows["social"]["total"] == 1
    assert rows["search"]["total"] == 0
    assert gaps == board_gaps(board)  # the same input, the same answer
    assert gaps == gaps_from_state(board_state(board))


@pytest.mark.django_db
def test_it_follows_the_ops_that_change_cover(board, members):
    ad = Card.objects.get(board=board, text="Instagram ad")
    mail = Card.objects.get(board=board, text="Welcome e-mail")
    link = str(uuid.uuid4())

    def commit(*ops):
        commit_ops(board_id=board.pk, user=members["editor"], op_id=str(uuid.uuid4()), ops=ops)

    commit({"op": "link.create", "id": link, "from": str(mail.id), "to": str(ad.id)})
    assert board_gaps(board)["uncovered_ids"] == []
    commit({"op": "card.update", "id": str(mail.id), "kind": "opportunity"})
    assert board_gaps(board)["uncovered_ids"] == [str(ad.id)]  # an opportunity plans only
    assert CardLink.objects.get(id=link).deleted is False  # but stays linked
    commit({"op": "card.update", "id": str(mail.id), "kind": "activity"})
    assert board_gaps(board)["uncovered_ids"] == []
    commit({"op": "card.delete", "id": str(mail.id)})
    assert board_gaps(board)["uncovered_ids"] == [str(ad.id)]
    commit({"op": "card.restore", "id": str(mail.id)})
    assert board_gaps(board)["uncovered_ids"] == [str(ad.id)]  # the link stays deleted
    commit({"op": "link.restore", "id": link})
    assert board_gaps(board)["uncovered_ids"] == []


@pytest.mark.django_db
def test_it_reports_the_live_boards_backward_arrows(board, members):
    phases = list(board.phases.order_by("position"))
    mail = Card.objects.get(board=board, text="Welcome e-mail")
    cart = _card(board, phases[2], CardKind.TOUCHPOINT, "Cart")
    back = make_arrow(board, cart, mail, weight=30, label="30%")
    make_arrow(board, cart, mail, weight=5, deleted=True)

    purchase = board_gaps(board)["phases"][2]

    assert [(b["id"], b["weight"], b["to_phase"]) for b in purchase["backward"]] == [
        (str(back.id), 30, "Consideration")
    ]


@pytest.mark.django_db
def test_it_gives_the_live_boards_strategy(board, members):
    phases = list(board.phases.order_by("position"))
    ad = Card.objects.get(board=board, text="Instagram ad")
    idea = _card(
        board,
        phases[0],
        CardKind.OPPORTUNITY,
        "Lookalike audiences",
        priority="high",
        owner=members["editor"],
        kpi="Website traffic",
    )
    _link(board, idea, ad)
    _card(board, phases[0], CardKind.OPPORTUNITY, "Binned idea", priority="high", deleted=True)

    strategy = board_strategy(board)

    high = strategy["phases"][0]["groups"][0]["opportunities"]
    assert high == [
        {
            "id": str(idea.id),
            "text": "Lookalike audiences",
            "priority": "high",
            "owner": members["editor"].pk,
            "kpi": "Website traffic",
            "kpi_known": False,  # the phase has no KPIs yet
            "status": "",
            "status_label": "Idea",
            "due": "",
            "touchpoints": [{"id": str(ad.id), "text": "Instagram ad"}],
            "owner_name": "Editor Person",  # the selector knows people; the state does not
        }
    ]
    assert strategy["total"] == 1


@pytest.mark.parametrize(
    ("coverage", "tone"),
    [(100, "good"), (80, "good"), (79, "fair"), (40, "fair"), (39, "poor"), (0, "poor")],
)
def test_coverage_reads_as_one_tone_everywhere(coverage, tone):
    assert coverage_tone(coverage) == tone


def test_a_phase_without_touchpoints_has_no_tone():
    board = Board("Awareness", "Purchase")
    board.card("touchpoint", 0, "Instagram ad")

    phases = gaps_from_state(board.state)["phases"]

    assert [(p["coverage"], p["tone"]) for p in phases] == [(0, "poor"), (None, None)]
