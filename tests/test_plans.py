"""The action plan and KPIs over time (issue 17): an opportunity's status and due date,
a KPI's dated readings, on the wire and in boards/plans.py."""

from __future__ import annotations

import uuid

import pytest

from boards.live.protocol import ProtocolError, clean_op

PHASE = str(uuid.uuid4())


def _phase_update(kpis):
    return clean_op({"op": "phase.update", "id": PHASE, "kpis": kpis})


def test_it_keeps_a_kpis_readings_oldest_first_with_an_empty_note_by_default():
    op = _phase_update(
        [
            {
                "name": "Repeat-purchase rate",
                "readings": [
                    {"date": "2026-03-01", "value": 21, "note": "after the spring sale"},
                    {"date": "2026-01-01", "value": 18.5},
                ],
            }
        ]
    )

    assert op["kpis"][0]["readings"] == [
        {"date": "2026-01-01", "value": 18.5, "note": ""},
        {"date": "2026-03-01", "value": 21.0, "note": "after the spring sale"},
    ]


@pytest.mark.parametrize(
    ("reading", "code"),
    [
        ({"date": "2026-02-30", "value": 1}, "invalid"),
        ({"date": "1.3.2026", "value": 1}, "invalid"),
        ({"date": "2026-03-01"}, "invalid"),
        ({"date": "2026-03-01", "value": "12%"}, "invalid"),
        ({"date": "2026-03-01", "value": 1e13}, "out_of_range"),
        ({"date": "2026-03-01", "value": 1, "note": "x" * 121}, "too_long"),
        ({"date": "2026-03-01", "value": 1, "by": "me"}, "invalid"),
    ],
)
def test_it_refuses_a_reading_that_is_not_a_dated_figure(reading, code):
    with pytest.raises(ProtocolError) as refused:
        _phase_update([{"name": "NPS", "readings": [reading]}])

    assert refused.value.code == code


def test_it_refuses_more_readings_than_a_kpi_holds():
    many = [{"date": f"2026-01-{day:02d}", "value": day} for day in range(1, 29)] * 4

    with pytest.raises(ProtocolError) as refused:
        _phase_update([{"name": "NPS", "readings": many}])

    assert refused.value.code == "out_of_range"


@pytest.mark.parametrize(
    ("fields", "ok"),
    [
        ({"status": "doing", "due": "2026-05-31"}, True),
        ({"status": "done", "due": ""}, True),
        ({"status": "someday"}, False),
        ({"due": "next week"}, False),
        ({"due": "2026-13-01"}, False),
    ],
)
def test_it_takes_an_opportunitys_status_and_due_date(fields, ok):
    op = {"op": "card.update", "id": str(uuid.uuid4()), **fields}
    if ok:
        assert clean_op(op) == op
    else:
        with pytest.raises(ProtocolError):
            clean_op(op)


# The action plan, from a gap to a current activity (boards/views/plans.py)

from django.urls import reverse  # noqa: E402

from boards.actions import board_apply_ops  # noqa: E402
from boards.frameworks import kpi_suggestions  # noqa: E402
from boards.kpis import kpi_changes, sparkline  # noqa: E402
from boards.models import Card, OpLog, Phase  # noqa: E402
from boards.plans import gap_key  # noqa: E402
from boards.selectors import board_gaps, board_state  # noqa: E402
from tests.helpers import page_text  # noqa: E402

HTMX = {"HTTP_HX_REQUEST": "true"}


def _first_phase(board) -> Phase:
    return board.phases.order_by("position").first()


def _uncovered_gap(board) -> dict:
    return next(g for g in board_gaps(board)["gaps"] if g["kind"] == "uncovered")


def test_it_plans_an_action_from_a_gap_and_closes_the_gap_when_it_is_done(
    client_for, board, members
):
    client = client_for("editor")
    phase = _first_phase(board)
    gap = _uncovered_gap(board)
    rev = board_state(board)["board"]["rev"]

    panel = page_text(client.get(reverse("panel_gaps", args=[board.id]), **HTMX))
    assert "Plan an action" in panel
    assert "An activity behind “Instagram ad”" in panel  # the action it starts from

    response = client.post(
        reverse("panel_gap_plan", args=[board.id, phase.id]),
        {
            "gap": gap_key(gap),
            "text": "Retarget ad viewers with a welcome offer",
            "owner": members["facilitator"].pk,
            "due": "2026-06-30",
        },
        **HTMX,
    )

    assert response.status_code == 200
    assert "Planned. The action is on the board and in the Strategy tab." in page_text(response)
    action = Card.objects.get(board=board, kind="opportunity")
    assert (action.text, action.phase_id, action.status, action.due) == (
        "Retarget ad viewers with a welcome offer",
        phase.id,
        "planned",
        "2026-06-30",
    )
    assert action.owner == members["facilitator"]
    assert action.links_out.get(deleted=False).target.text == "Instagram ad"
    board.refresh_from_db()
    assert board.rev == rev + 1  # one revision everyone sees
    assert _uncovered_gap(board)["card"] == gap["card"]  # a plan covers nothing yet

    strategy = page_text(client.get(reverse("panel_strategy", args=[board.id]), **HTMX))
    assert "Retarget ad viewers with a welcome offer" in strategy
    assert "Owner: Facilitator Person" in strategy
    assert "Due 2026-06-30" in strategy

    client.post(reverse("panel_plan_status", args=[board.id, action.id]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    assert OpLog.objects.filter(board=board).last().ops == [
        {"op": "card.update", "id": str(action.id), "status": "done"}
    ]  # the op log records who finished it, and when

    response = client.post(reverse("panel_plan_activity", args=[board.id, action.id]), **HTMX)

    assert "is a current activity now" in page_text(response)
    action.refresh_from_db()
    assert action.kind == "activity"
    assert not [g for g in board_gaps(board)["gaps"] if g["kind"] == "uncovered"]


def test_it_plans_nothing_for_a_gap_that_closed_meanwhile(client_for, board, members):
    phase = _first_phase(board)
    response = client_for("editor").post(
        reverse("panel_gap_plan", args=[board.id, phase.id]),
        {"gap": f"uncovered:{uuid.uuid4()}", "text": "Anything"},
    )

    assert response.status_code == 409
    assert "That gap is closed already: nothing was planned." in page_text(response)
    assert not Card.objects.filter(board=board, kind="opportunity").exists()


def test_it_refuses_a_due_date_that_is_no_date_and_changes_nothing(client_for, board):
    phase = _first_phase(board)
    response = client_for("editor").post(
        reverse("panel_gap_plan", args=[board.id, phase.id]),
        {"gap": gap_key(_uncovered_gap(board)), "due": "soon"},
    )

    assert response.status_code == 400
    assert "Give the date as a date, like 2026-03-31." in page_text(response)
    assert not Card.objects.filter(board=board, kind="opportunity").exists()


def test_it_turns_only_a_done_opportunity_into_an_activity(client_for, board, members):
    phase = _first_phase(board)
    client = client_for("editor")
    client.post(
        reverse("panel_gap_plan", args=[board.id, phase.id]),
        {"gap": gap_key(_uncovered_gap(board))},
    )
    action = Card.objects.get(board=board, kind="opportunity")
    assert action.text == "An activity behind “Instagram ad”"  # the gap's own wording

    response = client.post(reverse("panel_plan_activity", args=[board.id, action.id]))

    assert response.status_code == 409
    action.refresh_from_db()
    assert action.kind == "opportunity"


def test_a_viewer_sees_the_plan_but_cannot_plan(client_for, board):
    phase = _first_phase(board)
    viewer = client_for("viewer")

    assert "Plan an action" not in page_text(
        viewer.get(reverse("panel_gaps", args=[board.id]), **HTMX)
    )
    response = viewer.post(
        reverse("panel_gap_plan", args=[board.id, phase.id]),
        {"gap": gap_key(_uncovered_gap(board))},
    )
    assert response.status_code == 403
    assert not Card.objects.filter(board=board, kind="opportunity").exists()


# KPIs: suggestions accepted in one click, readings over time


def test_it_adds_a_suggested_kpi_to_the_phase_in_one_click(client_for, board):
    phase = _first_phase(board)
    suggested = kpi_suggestions(board, phase)[0]
    client = client_for("editor")
    assert "Track this KPI" in page_text(
        client.get(reverse("panel_phase", args=[board.id, phase.id]), **HTMX)
    )

    response = client.post(
        reverse("panel_phase_kpi_accept", args=[board.id, phase.id]),
        {"name": suggested["name"]},
        **HTMX,
    )

    assert response.status_code == 200
    phase.refresh_from_db()
    assert [kpi["name"] for kpi in phase.kpis] == [suggested["name"]]
    assert phase.kpis[0]["unit"] == suggested["unit"]
    assert OpLog.objects.filter(board=board).last().ops[0]["op"] == "phase.update"
    # Accepted once: it is no longer offered, and a second click changes nothing.
    again = client.post(
        reverse("panel_phase_kpi_accept", args=[board.id, phase.id]), {"name": suggested["name"]}
    )
    assert again.status_code == 409
    phase.refresh_from_db()
    assert len(phase.kpis) == 1


def _with_kpi(board, members, **kpi) -> Phase:
    phase = _first_phase(board)
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[{"op": "phase.update", "id": str(phase.id), "kpis": [{"name": "Repeat rate", **kpi}]}],
    )
    phase.refresh_from_db()
    return phase


def _reading(client, board, phase, date, value, note=""):
    return client.post(
        reverse("panel_phase_reading", args=[board.id, phase.id]),
        {
            "prefix": "reading-0",
            "reading-0-kpi": "Repeat rate",
            "reading-0-date": date,
            "reading-0-value": value,
            "reading-0-note": note,
        },
        **HTMX,
    )


def test_it_records_dated_readings_and_the_latest_is_the_kpis_value(client_for, board, members):
    phase = _with_kpi(board, members, target=30, unit="%")
    client = client_for("editor")

    _reading(client, board, phase, "2026-03-01", "24", "after the spring sale")
    response = _reading(client, board, phase, "2026-01-01", "18.5")

    assert response.status_code == 200
    phase.refresh_from_db()
    kpi = phase.kpis[0]
    assert kpi["readings"] == [
        {"date": "2026-01-01", "value": 18.5, "note": ""},
        {"date": "2026-03-01", "value": 24.0, "note": "after the spring sale"},
    ]
    assert kpi["value"] == 24.0  # the latest reading, not the last one typed
    text = page_text(response)
    assert "after the spring sale" in text
    assert 'class="jm-spark"' in response.content.decode()
    off = [g for g in board_gaps(board)["gaps"] if g["kind"] == "kpi_off_target"]
    assert [g["message"] for g in off] == ["“Repeat rate” is at 24; its target is 30."]


def test_it_refuses_a_reading_without_a_figure_and_changes_nothing(client_for, board, members):
    phase = _with_kpi(board, members)

    response = _reading(client_for("editor"), board, phase, "2026-03-01", "12%")

    assert response.status_code == 200  # htmx swaps the refusal in
    assert "Give a number, like 2.5 or 40" in page_text(response)
    phase.refresh_from_db()
    assert "readings" not in phase.kpis[0]


def test_it_removes_a_reading(client_for, board, members):
    phase = _with_kpi(board, members)
    client = client_for("editor")
    _reading(client, board, phase, "2026-01-01", "10")
    _reading(client, board, phase, "2026-02-01", "12")

    client.post(
        reverse("panel_phase_reading_remove", args=[board.id, phase.id]),
        {"kpi": "Repeat rate", "index": "1"},
    )

    phase.refresh_from_db()
    assert [r["value"] for r in phase.kpis[0]["readings"]] == [10.0]
    assert phase.kpis[0]["value"] == 10.0


def test_the_panel_keeps_the_readings_when_the_kpis_are_saved(client_for, board, members):
    phase = _with_kpi(board, members, target=30)
    client = client_for("editor")
    _reading(client, board, phase, "2026-01-01", "10")

    client.post(
        reverse("panel_phase_save", args=[board.id, phase.id]),
        {
            "kpi-TOTAL_FORMS": "1",
            "kpi-INITIAL_FORMS": "1",
            "kpi-0-name": "Repeat rate",
            "kpi-0-value": "10",
            "kpi-0-target": "35",
            "kpi-0-unit": "%",
        },
    )

    phase.refresh_from_db()
    assert phase.kpis[0]["target"] == 35
    assert phase.kpis[0]["readings"] == [{"date": "2026-01-01", "value": 10.0, "note": ""}]


def test_a_sparkline_runs_oldest_to_latest_and_shows_the_target():
    spark = sparkline(
        {
            "name": "NPS",
            "target": 50,
            "unit": "",
            "readings": [
                {"date": "2026-01-01", "value": 20, "note": ""},
                {"date": "2026-02-01", "value": 40, "note": ""},
            ],
        }
    )

    start, end = (tuple(map(float, p.split(","))) for p in spark["points"].split())
    assert start[0] < end[0]
    assert start[1] > end[1]
    assert float(spark["target"]) < end[1]  # the target is above the latest reading
    assert spark["label"] == "NPS: from 20 on 2026-01-01 to 40 on 2026-02-01 · target 50"
    assert sparkline({"name": "NPS", "readings": []}) is None


def test_comparing_a_version_shows_a_changed_kpi():
    phase = {"id": "p", "name": "Retention", "position": 0}
    old = {
        "phases": [
            {
                **phase,
                "kpis": [
                    {
                        "name": "Repeat-purchase rate",
                        "value": 18,
                        "target": 30,
                        "unit": "%",
                        "readings": [],
                    }
                ],
            }
        ]
    }
    new = {
        "phases": [
            {
                **phase,
                "kpis": [
                    {
                        "name": "Repeat-purchase rate",
                        "value": 24,
                        "target": 30,
                        "unit": "%",
                        "readings": [{"date": "2026-03-01", "value": 24, "note": ""}],
                    },
                    {
                        "name": "Churn rate",
                        "value": None,
                        "target": None,
                        "unit": "%",
                        "readings": [],
                    },
                ],
            }
        ]
    }

    assert kpi_changes(old, new) == [
        {
            "phase": "Retention",
            "name": "Repeat-purchase rate",
            "change": "changed",
            "was": "18 → 30 %",
            "now": "24 → 30 %",
            "readings": 1,
        },
        {
            "phase": "Retention",
            "name": "Churn rate",
            "change": "added",
            "was": "",
            "now": "\u2013 %",
            "readings": 0,
        },
    ]
