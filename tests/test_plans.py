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
