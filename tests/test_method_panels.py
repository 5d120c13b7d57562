"""The lifecycle method's panels (boards/views/panels.py): the gap analysis and the canvas marks
it feeds, the strategy list, a phase's KPIs and an activity's links. The rules of the
gap computation itself are in tests/test_gaps.py; these check what a person sees."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from boards.actions import board_apply_ops, board_create, card_set_links
from boards.models import Board, BoardTemplate, Card, CardLink, OpLog, Phase
from tests.factories import make_board, make_card
from tests.helpers import page_text

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def cards(board) -> dict[str, Card]:
    return {c.text: c for c in Card.objects.filter(board=board)}


def _link(board, members, activity, touchpoint) -> None:
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[
            {
                "op": "link.create",
                "id": str(uuid.uuid4()),
                "from": str(activity.id),
                "to": str(touchpoint.id),
            }
        ],
    )


def kpi_post(**row) -> dict:
    data = {"kpi-TOTAL_FORMS": "1", "kpi-INITIAL_FORMS": "0"}
    data |= {f"kpi-0-{name}": value for name, value in row.items()}
    return data


# The gap analysis


def test_it_shows_the_uncovered_touchpoint_and_empty_phases(client_for, board):
    text = page_text(client_for("viewer").get(reverse("panel_gaps", args=[board.id]), **HTMX))

    assert "0 of 1 touchpoint has an activity behind it (0%)." in text
    assert "“Instagram ad” has no activity behind it" in text
    assert "No current activity: the team does nothing here yet." in text
    assert "No touchpoint: how do customers meet the brand in this phase?" in text
    assert "Channels × phases" in text


def test_it_counts_a_linked_touchpoint_as_covered(client_for, board, cards, members):
    _link(board, members, cards["Welcome e-mail"], cards["Instagram ad"])

    client = client_for("viewer")
    text = page_text(client.get(reverse("panel_gaps", args=[board.id]), **HTMX))
    marks = client.get(reverse("board_gaps_json", args=[board.id])).json()

    assert "1 of 1 touchpoint has an activity behind it (100%)." in text
    assert "has no activity behind it" not in text
    assert '<span class="jm-coverage good">100% covered</span>' in text
    assert marks["uncovered"] == []
    awareness = board.phases.get(position=0)
    assert marks["phases"][str(awareness.id)] == {
        "coverage": 100,
        "tone": "good",
        "touchpoints": 1,
        "covered": 1,
        "activities": 0,
        # Covered from another phase: the marks never say the team does nothing here.
        "gaps": [
            "No activity is placed in this phase; its touchpoints are served from other phases.",
            "No KPI: which figure tells whether this phase works?",
        ],
    }


def test_the_marks_follow_each_revision(client_for, board, cards, members):
    client = client_for("viewer")
    url = reverse("board_gaps_json", args=[board.id])
    assert client.get(url).json()["uncovered"] == [str(cards["Instagram ad"].id)]

    _link(board, members, cards["Welcome e-mail"], cards["Instagram ad"])

    assert client.get(url).json()["uncovered"] == []


def test_it_escapes_card_text_in_the_gap_panel(client_for, board, cards, members):
    Card.objects.filter(pk=cards["Instagram ad"].pk).update(text="<script>x</script>")

    content = client_for("viewer").get(reverse("panel_gaps", args=[board.id])).content.decode()

    assert "<script>x</script>" not in content
    assert "&lt;script&gt;x&lt;/script&gt;" in content


# The strategy list


def test_it_lists_opportunities_by_phase_with_owner_and_kpi(client_for, board, members):
    purchase = board.phases.get(position=2)
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[
            {
                "op": "phase.update",
                "id": str(purchase.id),
                "kpis": [{"name": "Average order value"}],
            },
            {
                "op": "card.create",
                "id": str(uuid.uuid4()),
                "kind": "opportunity",
                "phase": str(purchase.id),
                "text": "Bundle offers",
                "priority": "high",
                "owner": members["editor"].pk,
                "kpi": "Average order value",
            },
        ],
    )

    text = page_text(client_for("viewer").get(reverse("panel_strategy", args=[board.id])))

    assert "Bundle offers" in text
    assert "Owner: Editor Person" in text
    assert "Moves Average order value" in text
    assert text.index(">Purchase<") < text.index("Bundle offers")


def test_it_says_how_to_start_when_there_is_no_opportunity(client_for, board):
    text = page_text(client_for("viewer").get(reverse("panel_strategy", args=[board.id])))

    assert "No opportunities yet." in text


# KPIs of a phase


def test_it_saves_a_phases_kpis_as_one_revision(client_for, board, members):
    phase = board.phases.get(position=3)
    url = reverse("panel_phase_save", args=[board.id, phase.id])

    response = client_for("editor").post(
        url, kpi_post(name="Repeat-purchase rate", value="18", target="25", unit="%"), **HTMX
    )

    assert "KPIs saved." in page_text(response)
    phase.refresh_from_db()
    assert phase.kpis == [
        {"name": "Repeat-purchase rate", "value": 18.0, "target": 25.0, "unit": "%"}
    ]
    assert OpLog.objects.get(board=board).ops[0]["op"] == "phase.update"


@pytest.mark.parametrize("value", ["seventy", "70%", "1e13"])
def test_it_refuses_a_kpi_value_that_is_not_a_number(client_for, board, value):
    phase = board.phases.get(position=3)
    url = reverse("panel_phase_save", args=[board.id, phase.id])

    response = client_for("editor").post(url, kpi_post(name="Churn rate", value=value))

    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was saved" in text
    phase.refresh_from_db()
    assert phase.kpis == []
    assert not OpLog.objects.filter(board=board).exists()


def test_it_suggests_the_kpis_of_the_stage(client_for, org, members):
    board = board_create(
        organisation=org, title="Six", framework="six_stage", created_by=members["owner"]
    )
    retention = board.phases.get(position=3)

    text = page_text(
        client_for("viewer").get(reverse("panel_phase", args=[board.id, retention.id]))
    )

    assert "Churn rate" in text
    assert "Repeat-purchase rate" in text


def test_a_viewer_sees_kpis_without_a_form(client_for, board):
    phase = board.phases.get(position=0)
    Phase.objects.filter(pk=phase.pk).update(
        kpis=[{"name": "Website traffic", "value": 10, "target": None, "unit": ""}]
    )

    url = reverse("panel_phase", args=[board.id, phase.id])
    text = page_text(client_for("viewer").get(url, **HTMX))

    assert "Website traffic" in text
    assert "<form" not in text


# Links from the activity's panel


def links_post(*touchpoints) -> dict:
    return {"serves": [str(t.id) for t in touchpoints]}


def test_it_links_an_activity_to_touchpoints_and_unlinks_again(client_for, board, cards):
    url = reverse("panel_card_links", args=[board.id, cards["Welcome e-mail"].id])
    client = client_for("editor")

    client.post(url, links_post(cards["Instagram ad"]), **HTMX)
    link = CardLink.objects.get(board=board, deleted=False)
    assert (link.source, link.target) == (cards["Welcome e-mail"], cards["Instagram ad"])

    client.post(url, links_post(), **HTMX)
    assert not CardLink.objects.filter(board=board, deleted=False).exists()
    assert Board.objects.get(pk=board.pk).rev == 2


def test_it_refuses_to_link_a_card_of_another_board(client_for, board, cards, org, members):
    other = make_board(org, members["owner"], title="Other")
    elsewhere = make_card(other, kind="touchpoint", text="Far away")
    url = reverse("panel_card_links", args=[board.id, cards["Welcome e-mail"].id])

    response = client_for("editor").post(url, links_post(elsewhere))

    assert response.status_code == 400
    assert "Choose touchpoints of this board." in page_text(response)
    assert not CardLink.objects.exists()


def test_a_touchpoint_serves_nothing(client_for, board, cards):
    url = reverse("panel_card_links", args=[board.id, cards["Instagram ad"].id])

    response = client_for("editor").post(url, links_post(cards["Instagram ad"]))

    assert response.status_code == 400
    assert "Only a current activity or an opportunity serves touchpoints." in page_text(response)
    assert not CardLink.objects.exists()


def test_card_set_links_commits_only_the_difference(board, cards, members):
    activity, touchpoint = cards["Welcome e-mail"], cards["Instagram ad"]

    def ops() -> list[list[str]]:
        return [[op["op"] for op in row.ops] for row in OpLog.objects.filter(board=board)]

    card_set_links(
        board=board, card=activity, targets=[str(touchpoint.id)], actor=members["editor"]
    )
    unchanged = card_set_links(
        board=board, card=activity, targets=[str(touchpoint.id)], actor=members["editor"]
    )
    card_set_links(board=board, card=activity, targets=[], actor=members["editor"])

    assert unchanged is None
    assert ops() == [["link.create"], ["link.delete"]]
    assert not CardLink.objects.filter(board=board, deleted=False).exists()


def test_a_touchpoint_panel_names_the_gap(client_for, board, cards):
    url = reverse("panel_card", args=[board.id, cards["Instagram ad"].id])

    text = page_text(client_for("viewer").get(url))

    assert "No activity serves this touchpoint: a gap." in text


# Saving a board as a template, from the board settings panel


def test_a_board_saved_as_template_starts_new_boards(client_for, board, org):
    client = client_for("editor")
    panel = reverse("panel_board_template", args=[board.id])

    response = client.post(panel, {"name": "Our webshop line"}, **HTMX)

    assert "Saved as the template “Our webshop line”" in page_text(response)
    template = BoardTemplate.objects.get(organisation=org)
    create = reverse("board_create", args=[org.id])
    assert "Our webshop line" in page_text(client.get(create))
    client.post(create, {"title": "From our template", "framework": f"template:{template.pk}"})
    copy = Board.objects.get(title="From our template")
    assert [p.name for p in copy.phases.order_by("position")] == [
        p.name for p in board.phases.order_by("position")
    ]
    assert set(Card.objects.filter(board=copy).values_list("text", flat=True)) == {
        "Instagram ad",
        "Welcome e-mail",
    }


def test_it_refuses_a_template_name_in_use(client_for, board, org):
    client = client_for("editor")
    panel = reverse("panel_board_template", args=[board.id])
    client.post(panel, {"name": "Line"}, **HTMX)

    response = client.post(panel, {"name": "Line"})

    assert response.status_code == 400
    assert "has a template of that name already" in page_text(response)
    assert BoardTemplate.objects.filter(organisation=org).count() == 1


def test_a_viewer_cannot_save_a_template(client_for, board, org):
    response = client_for("viewer").post(
        reverse("panel_board_template", args=[board.id]), {"name": "Mine"}
    )

    assert response.status_code == 403
    assert not BoardTemplate.objects.exists()
