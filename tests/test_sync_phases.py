"""The phase and board ops over the socket: what the author and the others receive,
and what the database holds afterwards (docs/protocol.md, "Ops")."""

from __future__ import annotations

import re

import pytest

from boards.models import Arrow, Board, Card, Phase
from journeymap.models import Membership, Role
from tests.ws import (
    commit,
    new_id,
    ping,
    receive_type,
    send_ops,
    stored,
    watched_board,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def live(sockets, board, members):
    return await watched_board(sockets, board, members)


async def _phase_order(board: Board) -> list[tuple[int, str]]:
    return [
        (phase.position, str(phase.id))
        async for phase in Phase.objects.filter(board=board).order_by("position")
    ]


async def _snapshot(sockets, user, board) -> dict:
    _, _, snapshot = await sockets.join(user, board)
    return snapshot["state"]


# Phases.


async def test_it_creates_a_phase_and_shifts_the_later_ones(live):
    phase = new_id()
    ops = await commit(
        live, [{"op": "phase.create", "id": phase, "name": "  Onboarding ", "position": 1}]
    )
    assert len(ops) == 1
    colour = ops[0]["colour"]
    assert re.fullmatch(r"#[0-9a-f]{6}", colour)
    assert ops == [
        {
            "op": "phase.create",
            "id": phase,
            "name": "Onboarding",
            "position": 1,
            "colour": colour,
            "kpis": [],
        }
    ]
    p = live.phases
    assert await _phase_order(live.board) == [
        (0, p[0]),
        (1, phase),
        (2, p[1]),
        (3, p[2]),
        (4, p[3]),
    ]
    stored_phase = await Phase.objects.aget(id=phase)
    assert (stored_phase.name, stored_phase.colour, stored_phase.kpis) == (
        "Onboarding",
        colour,
        [],
    )


async def test_it_creates_a_phase_with_a_colour_and_kpis(live):
    phase = new_id()
    op = {
        "op": "phase.create",
        "id": phase,
        "name": "Advocacy",
        "position": 4,
        "colour": "#ABCDEF",
        "kpis": [{"name": "NPS", "value": 41, "target": 50, "unit": ""}],
    }
    assert await commit(live, [op]) == [{**op, "colour": "#abcdef"}]
    stored_phase = await Phase.objects.aget(id=phase)
    assert stored_phase.position == 4
    assert stored_phase.colour == "#abcdef"
    assert stored_phase.kpis == [{"name": "NPS", "value": 41, "target": 50, "unit": ""}]


async def test_it_renames_recolours_and_sets_kpis_of_a_phase(live):
    ops = await commit(
        live,
        [
            {
                "op": "phase.update",
                "id": live.phases[0],
                "name": " Reach ",
                "colour": "#FFEEDD",
                "kpis": [{"name": "CTR", "value": 2.5, "target": 3, "unit": "%"}, {"name": "CPM"}],
            }
        ],
    )
    kpis = [
        {"name": "CTR", "value": 2.5, "target": 3, "unit": "%"},
        {"name": "CPM", "value": None, "target": None, "unit": ""},
    ]
    assert ops == [
        {
            "op": "phase.update",
            "id": live.phases[0],
            "name": "Reach",
            "colour": "#ffeedd",
            "kpis": kpis,
        }
    ]
    phase = await Phase.objects.aget(id=live.phases[0])
    assert (phase.name, phase.colour, phase.kpis, phase.position) == ("Reach", "#ffeedd", kpis, 0)

    await commit(live, [{"op": "phase.update", "id": live.phases[0], "kpis": []}])
    phase = await Phase.objects.aget(id=live.phases[0])
    assert (phase.name, phase.kpis) == ("Reach", [])


async def test_it_moves_a_phase_and_closes_up_the_others(live):
    p = live.phases
    ops = await commit(live, [{"op": "phase.move", "id": p[0], "position": 2}])
    assert ops == [{"op": "phase.move", "id": p[0], "position": 2}]
    assert await _phase_order(live.board) == [(0, p[1]), (1, p[2]), (2, p[0]), (3, p[3])]

    # Past the end: clamped to the last place, and the patch says where it landed.
    ops = await commit(live, [{"op": "phase.move", "id": p[1], "position": 7}])
    assert ops == [{"op": "phase.move", "id": p[1], "position": 3}]
    assert await _phase_order(live.board) == [(0, p[2]), (1, p[0]), (2, p[3]), (3, p[1])]


async def test_it_deletes_a_phase_moving_its_cards(live):
    p = live.phases
    extra = new_id()
    await commit(
        live,
        [{"op": "card.create", "id": extra, "kind": "note", "phase": p[0], "x": 900, "y": 40}],
    )
    ops = await commit(live, [{"op": "phase.delete", "id": p[0], "cards": "move", "to": p[2]}])
    assert sorted(ops[:-1], key=lambda op: op["id"]) == sorted(
        [
            {"op": "card.update", "id": live.first, "phase": p[2]},
            {"op": "card.update", "id": extra, "phase": p[2]},
        ],
        key=lambda op: op["id"],
    )
    assert ops[-1] == {"op": "phase.delete", "id": p[0], "cards": "move", "to": p[2]}
    assert await _phase_order(live.board) == [(0, p[1]), (1, p[2]), (2, p[3])]
    assert not await Phase.objects.filter(id=p[0]).aexists()
    first = await Card.objects.aget(id=live.first)
    moved = await Card.objects.aget(id=extra)
    assert (str(first.phase_id), first.x, first.y, first.deleted) == (p[2], 0, 0, False)
    assert (str(moved.phase_id), moved.x, moved.y, moved.deleted) == (p[2], 900, 40, False)
    assert not (await Arrow.objects.aget(id=live.arrow)).deleted
    assert str((await Card.objects.aget(id=live.second)).phase_id) == p[1]


async def test_it_deletes_a_phase_with_its_cards_and_their_arrows(live):
    p = live.phases
    ops = await commit(live, [{"op": "phase.delete", "id": p[0], "cards": "delete"}])
    assert ops == [
        {"op": "arrow.delete", "id": live.arrow},
        {"op": "card.delete", "id": live.first},
        {"op": "phase.delete", "id": p[0], "cards": "delete"},
    ]
    assert await _phase_order(live.board) == [(0, p[1]), (1, p[2]), (2, p[3])]
    assert (await Card.objects.aget(id=live.first)).deleted
    assert (await Arrow.objects.aget(id=live.arrow)).deleted
    second = await Card.objects.aget(id=live.second)
    assert not second.deleted
    assert str(second.phase_id) == p[1]


# The board.


async def test_it_renames_the_board(live, sockets, members):
    ops = await commit(live, [{"op": "board.update", "title": "  Webshop 2027  "}])
    assert ops == [{"op": "board.update", "title": "Webshop 2027"}]
    board = await Board.objects.aget(pk=live.board.pk)
    assert board.title == "Webshop 2027"
    assert board.updated_by_id == live.editor.pk
    state = await _snapshot(sockets, members["owner"], live.board)
    assert state["board"]["title"] == "Webshop 2027"


# The workshop stage: the facilitator's to set.


@pytest.mark.parametrize("role", ["facilitator", "admin", "owner"])
async def test_it_lets_a_facilitator_and_above_set_the_workshop_stage(live, sockets, members, role):
    author, _, _ = await sockets.join(members[role], live.board)
    reply = await send_ops(author, [{"op": "board.update", "stage": "gaps"}])
    assert reply["type"] == "ack", reply
    patch = await _next_patch(live.observer)
    assert patch["ops"] == [{"op": "board.update", "stage": "gaps"}]
    board = await Board.objects.aget(pk=live.board.pk)
    assert (board.stage, board.title, board.rev) == ("gaps", "Webshop lifecycle", 1)
    state = await _snapshot(sockets, members["viewer"], live.board)
    assert state["board"]["stage"] == "gaps"


async def test_it_refuses_the_stage_to_an_editor_and_applies_nothing_of_the_batch(live):
    before = await stored(live.board.pk)
    error = await send_ops(
        live.author,
        [
            {"op": "card.update", "id": live.first, "text": "Changed"},
            {"op": "board.update", "title": "Renamed", "stage": "strategy"},
        ],
    )
    assert error["code"] == "forbidden"
    assert "facilitator" in error["message"]
    assert await stored(live.board.pk) == before
    assert await ping(live.author) == {"type": "pong", "rev": 0, "epoch": 1}
    # Renaming alone stays an editor's right.
    assert await commit(live, [{"op": "board.update", "title": "Renamed"}]) == [
        {"op": "board.update", "title": "Renamed"}
    ]


async def test_it_checks_the_stage_right_against_the_role_at_commit_time(live, sockets, members):
    facilitator, _, _ = await sockets.join(members["facilitator"], live.board)
    await Membership.objects.filter(user=members["facilitator"]).aupdate(role=Role.EDITOR)
    error = await _reply(facilitator, [{"op": "board.update", "stage": "movement"}])
    assert error["code"] == "forbidden"
    assert (await Board.objects.aget(pk=live.board.pk)).stage == ""


async def test_it_sets_title_and_stage_together_and_clears_the_stage(live, sockets, members):
    facilitator, _, _ = await sockets.join(members["facilitator"], live.board)
    op = {"op": "board.update", "title": " Workshop ", "stage": "touchpoints"}
    assert (await send_ops(facilitator, [op]))["type"] == "ack"
    patch = await _next_patch(live.observer)
    assert patch["ops"] == [{**op, "title": "Workshop"}]
    assert (await _reply(facilitator, [{"op": "board.update", "stage": ""}]))["type"] == "ack"
    board = await Board.objects.aget(pk=live.board.pk)
    assert (board.title, board.stage) == ("Workshop", "")


@pytest.mark.parametrize(
    ("op", "code"),
    [
        ({"op": "board.update"}, "invalid"),
        ({"op": "board.update", "stage": "lunch"}, "invalid"),
        ({"op": "board.update", "stage": None}, "invalid"),
    ],
)
async def test_it_refuses_a_board_update_that_names_no_known_stage(
    live, sockets, members, op, code
):
    facilitator, _, _ = await sockets.join(members["facilitator"], live.board)
    before = await stored(live.board.pk)
    error = await send_ops(facilitator, [op])
    assert error["code"] == code
    assert await stored(live.board.pk) == before


async def _next_patch(communicator) -> dict:
    return await receive_type(communicator, "patch")


async def _reply(communicator, ops: list[dict]) -> dict:
    """The ack or error for `ops`, skipping the patches of earlier edits."""
    op_id = new_id()
    await communicator.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    while True:
        frame = await receive_type(communicator, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame


async def test_it_keeps_between_2_and_8_phases(live):
    new = [new_id() for _ in range(4)]
    await commit(
        live,
        [
            {"op": "phase.create", "id": phase, "name": f"Extra {n}", "position": 7}
            for n, phase in enumerate(new)
        ],
    )
    assert [phase for _, phase in await _phase_order(live.board)] == [*live.phases, *new]
    everything = [*live.phases, *new]
    await commit(
        live,
        [
            {"op": "phase.delete", "id": phase, "cards": "move", "to": everything[-1]}
            for phase in everything[:6]
        ],
    )
    assert [phase for _, phase in await _phase_order(live.board)] == everything[6:]
    first = await Card.objects.aget(id=live.first)
    assert (str(first.phase_id), first.deleted) == (everything[-1], False)


async def test_a_card_moved_out_earlier_in_the_batch_survives_its_old_phase(live):
    p = live.phases
    ops = await commit(
        live,
        [
            {"op": "card.update", "id": live.first, "phase": p[2]},
            {"op": "phase.delete", "id": p[0], "cards": "delete"},
        ],
    )
    # The patch and the database agree: the card was not in the phase any more.
    assert ops == [
        {"op": "card.update", "id": live.first, "phase": p[2]},
        {"op": "phase.delete", "id": p[0], "cards": "delete"},
    ]
    card = await Card.objects.aget(id=live.first)
    assert (card.deleted, str(card.phase_id)) == (False, p[2])
    assert not (await Arrow.objects.aget(id=live.arrow)).deleted


async def test_a_card_moved_in_earlier_in_the_batch_goes_with_its_new_phase(live):
    p = live.phases
    ops = await commit(
        live,
        [
            {"op": "card.update", "id": live.second, "phase": p[0]},
            {"op": "phase.delete", "id": p[0], "cards": "delete"},
        ],
    )
    assert sorted(op["id"] for op in ops if op["op"] == "card.delete") == sorted(
        [live.first, live.second]
    )
    assert ops.count({"op": "arrow.delete", "id": live.arrow}) == 1
    assert (await Card.objects.aget(id=live.second)).deleted
    assert (await Card.objects.aget(id=live.first)).deleted
