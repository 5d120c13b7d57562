"""Deleting a phase (issue 15, item 10): its cards and KPIs go to the phase before or
after, or with it; moved cards land below the cards already there instead of on them;
and the ops an undo sends bring the phase back whole (docs/protocol.md, phase.delete)."""

from __future__ import annotations

import pytest

from boards.models import Arrow, Card, Phase
from boards.selectors import board_state
from tests.statemodel import canonical
from tests.ws import commit, new_id, send_ops, watched_board

pytestmark = pytest.mark.django_db(transaction=True)


def kpi(name: str, value=None, target=None, unit: str = "") -> dict:
    return {"name": name, "value": value, "target": target, "unit": unit}


@pytest.fixture
async def live(sockets, board, members):
    live = await watched_board(sockets, board, members)
    p = live.phases
    # Awareness (p0) holds the touchpoint at (0, 0) and a note below it; Consideration
    # (p1) the activity at (420, 0). Both phases have KPIs.
    live.note = new_id()
    await commit(
        live,
        [
            {"op": "card.create", "id": live.note, "kind": "note", "phase": p[0], "y": 200},
            {"op": "card.update", "id": live.first, "kpi": "Reach"},
            {"op": "phase.update", "id": p[0], "kpis": [kpi("Reach", 1200), kpi("Visits")]},
            {"op": "phase.update", "id": p[1], "kpis": [kpi("Visits", 300), kpi("Leads")]},
        ],
    )
    return live


async def state_of(board) -> dict:
    from asgiref.sync import sync_to_async

    return canonical(await sync_to_async(board_state)(board))


async def test_moving_to_the_phase_after_puts_cards_below_its_own_and_joins_the_kpis(live):
    p = live.phases
    ops = await commit(live, [{"op": "phase.delete", "id": p[0], "cards": "move", "to": p[1]}])

    # The activity in p1 ends at y 110 (0 + its height): the moved cards start 40 below,
    # keeping their places among themselves.
    assert sorted(ops[:2], key=lambda op: op["id"]) == sorted(
        [
            {"op": "card.update", "id": live.first, "phase": p[1], "y": 150},
            {"op": "card.update", "id": live.note, "phase": p[1], "y": 350},
        ],
        key=lambda op: op["id"],
    )
    joined = [kpi("Visits", 300), kpi("Leads"), kpi("Reach", 1200)]
    assert ops[2:] == [
        {"op": "phase.update", "id": p[1], "kpis": joined},
        {"op": "phase.delete", "id": p[0], "cards": "move", "to": p[1]},
    ]
    target = await Phase.objects.aget(id=p[1])
    assert target.kpis == joined  # p1's own Visits kept; Reach joined it
    first = await Card.objects.aget(id=live.first)
    assert (str(first.phase_id), first.x, first.y, first.kpi) == (p[1], 0, 150, "Reach")


async def test_a_phase_whose_kpis_do_not_fit_the_target_is_not_deleted(live):
    p = live.phases
    full = [kpi(f"KPI {n}") for n in range(10)]
    await commit(live, [{"op": "phase.update", "id": p[1], "kpis": full}])

    refused = await send_ops(
        live.author, [{"op": "phase.delete", "id": p[0], "cards": "move", "to": p[1]}]
    )

    assert refused["code"] == "invalid"
    assert refused["message"] == (
        "Consideration cannot take the KPIs of Awareness: a phase has at most 10 KPIs."
        " Remove some first, or delete them with the phase."
    )
    assert await Phase.objects.filter(id=p[0]).aexists()
    assert str((await Card.objects.aget(id=live.first)).phase_id) == p[0]


async def test_undo_of_a_move_brings_the_phase_back_whole(live):
    p = live.phases
    before = await state_of(live.board)
    phase = next(ph for ph in before["phases"] if ph["id"] == p[0])
    target = next(ph for ph in before["phases"] if ph["id"] == p[1])
    await commit(live, [{"op": "phase.delete", "id": p[0], "cards": "move", "to": p[1]}])

    # What the editor's undo sends (static/js/editor/phaseundo.js).
    undo = [
        {
            "op": "phase.create",
            "id": p[0],
            "name": phase["name"],
            "position": 0,
            "colour": phase["colour"],
            "kpis": phase["kpis"],
        },
        {"op": "phase.update", "id": p[1], "kpis": target["kpis"]},
        {"op": "card.update", "id": live.first, "phase": p[0], "x": 0, "y": 0},
        {"op": "card.update", "id": live.note, "phase": p[0], "x": 0, "y": 200},
    ]
    await commit(live, undo)

    after = await state_of(live.board)
    del before["board"]["rev"], after["board"]["rev"]
    assert after == before


async def test_undo_of_a_delete_brings_back_its_cards_arrows_and_kpis(live):
    p = live.phases
    before = await state_of(live.board)
    phase = next(ph for ph in before["phases"] if ph["id"] == p[0])
    ops = await commit(live, [{"op": "phase.delete", "id": p[0], "cards": "delete"}])
    assert {"op": "arrow.delete", "id": live.arrow} in ops
    assert (await Arrow.objects.aget(id=live.arrow)).deleted

    undo = [
        {
            "op": "phase.create",
            "id": p[0],
            "name": phase["name"],
            "position": 0,
            "colour": phase["colour"],
            "kpis": phase["kpis"],
        },
        {"op": "card.restore", "id": live.first},
        {"op": "card.update", "id": live.first, "phase": p[0]},
        {"op": "card.restore", "id": live.note},
        {"op": "card.update", "id": live.note, "phase": p[0]},
        {"op": "arrow.restore", "id": live.arrow},
    ]
    await commit(live, undo)

    after = await state_of(live.board)
    del before["board"]["rev"], after["board"]["rev"]
    assert after == before
