"""Convergence of live sync under random concurrent editing (docs/protocol.md, "Ops in a
patch", "Client algorithm"): whatever three clients do, in whatever interleaving, with
whatever disconnects, each one's confirmed state ends equal to the database's board.

How the property test runs: hypothesis generates a whole schedule up front (a list of
steps: an edit by client i drawn from small integers, a pump, a drop, a rejoin), and a
*sync* test function runs each example's schedule in an event loop of its own through
`async_to_sync`. That keeps hypothesis away from pytest-asyncio's loop, and the consumers'
thread-sensitive database work runs on the test's thread, on the connection that
`transaction=True` flushes afterwards. Each example builds its own board with the ORM and
gets a fresh channel layer (channels_redis binds its locks to an event loop). The clients
are tests.statemodel.Client, written from the spec alone.
"""

from __future__ import annotations

import copy
import random
from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings as django_settings
from django.test import override_settings
from hypothesis import HealthCheck, event, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from boards.models import Board, Card, CardKind
from tests.factories import make_arrow, make_board, make_card, make_link
from tests.statemodel import Client, assert_converged, random_edit
from tests.ws import new_id

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 3


def fresh_board(org, owner) -> Board:
    """A board like the `board` fixture's: four phases, two cards, an arrow; and a link
    from the activity to the touchpoint, so that deletes and kind changes cascade."""
    board = make_board(org, owner, title="Convergence")
    phases = list(board.phases.order_by("position"))
    first, second = (
        make_card(board, kind=kind, phase=phase, x=x, text=text, author=owner)
        for kind, phase, x, text in [
            (CardKind.TOUCHPOINT, phases[0], 0, "Instagram ad"),
            (CardKind.ACTIVITY, phases[1], 420, "Welcome e-mail"),
        ]
    )
    make_arrow(board, first, second, author=owner)
    make_link(board, second, first, author=owner)
    return board


# The property.

SEEDS = st.integers(0, 2**32 - 1)
# A step: (what, which client, batch size, seed for the edit's choices). Edits are the
# most common; a pump lets a client read what came in, so edits between pumps are made
# from stale views and conflict; a drop loses what was in flight.
KINDS = ["edit"] * 6 + ["pump"] * 2 + ["drop", "rejoin"]
STEP = st.tuples(st.sampled_from(KINDS), st.integers(0, CLIENTS - 1), st.integers(1, 3), SEEDS)
SCHEDULES = st.lists(STEP, min_size=15, max_size=45)


async def run_schedule(board, users, schedule) -> dict:
    clients = [Client(user, board, f"client{n}") for n, user in enumerate(users)]
    try:
        for client in clients:
            await client.connect()
        start = clients[0].confirmed
        pool = {
            "cards": {card["id"] for card in start["cards"]},
            "arrows": {arrow["id"] for arrow in start["arrows"]},
            "links": {link["id"] for link in start["links"]},
            "phases": {phase["id"] for phase in start["phases"]},
        }
        for step in schedule:
            what, who, size, seed = step
            client = clients[who]
            if what == "edit":
                pick = random.Random(seed).randrange
                await client.edit(random_edit(pick, client.view(), pool, size=size))
            elif what == "pump" and client.connected:
                await client.pump()
            elif what == "drop" and client.connected:
                await client.disconnect()
            elif what == "rejoin" and not client.connected:
                await client.connect()
        final = await assert_converged(board, clients)
        return {
            "rev": final["board"]["rev"],
            "errors": sorted(e["code"] for c in clients for e in c.errors),
            "syncs": sum((c.syncs for c in clients), start=Counter()),
        }
    finally:
        for client in clients:
            await client.disconnect()


@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schedule=SCHEDULES)
def test_every_client_converges_on_the_database(schedule, org, members):
    board = fresh_board(org, members["owner"])
    users = [members["editor"], members["facilitator"], members["owner"]]
    # A channel layer of this example's own (see the module docstring).
    with override_settings(CHANNEL_LAYERS=copy.deepcopy(django_settings.CHANNEL_LAYERS)):
        outcome = async_to_sync(run_schedule)(board, users, schedule)
    note(f"outcome: {outcome}")
    for code in set(outcome["errors"]):
        event(f"refused: {code}")
    for reason in outcome["syncs"]:
        event(f"synced: {reason}")


# Fixed cases the property covers by chance only.


def test_an_edit_of_a_card_deleted_meanwhile_is_refused_and_dropped(org, members):
    board = fresh_board(org, members["owner"])

    async def scenario():
        alice = Client(members["editor"], board, "alice")
        bob = Client(members["facilitator"], board, "bob")
        try:
            await alice.connect()
            await bob.connect()
            card = bob.confirmed["cards"][0]["id"]
            await alice.edit([{"op": "card.delete", "id": card}])
            await alice.pump(until=lambda: not alice.pending)
            # Bob has not heard of the delete yet: he edits the card, and in the same
            # batch creates another one. The batch is all or nothing.
            created = new_id()
            op_id = await bob.edit(
                [
                    {"op": "card.create", "id": created, "kind": "note", "text": "Mine"},
                    {"op": "card.update", "id": card, "text": "Too late"},
                ]
            )
            assert created in {c["id"] for c in bob.view()["cards"]}  # shown optimistically
            await bob.pump(until=lambda: not bob.pending)
            assert [(e["code"], e["op_id"]) for e in bob.errors] == [("deleted", op_id)]
            final = await assert_converged(board, [alice, bob])
            assert card not in {c["id"] for c in final["cards"]}
            assert created not in {c["id"] for c in final["cards"]}
            assert not await Card.objects.filter(id=created).aexists()
        finally:
            await alice.disconnect()
            await bob.disconnect()

    with override_settings(CHANNEL_LAYERS=copy.deepcopy(django_settings.CHANNEL_LAYERS)):
        async_to_sync(scenario)()


def _batches(ids) -> dict[str, list[dict]]:
    """Batches whose later ops revise what earlier ones did: the patch must spell out
    the consequences as the server applied them."""
    first, second, arrow, link = ids["first"], ids["second"], ids["arrow"], ids["link"]
    p0, p1, p2 = ids["phases"][:3]
    new = ids["new"]
    return {
        "card moved out, then its old phase deleted with its cards": [
            {"op": "card.update", "id": first, "phase": p1},
            {"op": "phase.delete", "id": p0, "cards": "delete"},
        ],
        "card moved out, then its old phase deleted, cards moved": [
            {"op": "card.update", "id": first, "phase": p1},
            {"op": "phase.delete", "id": p0, "cards": "move", "to": p2},
        ],
        "card deleted, then its phase deleted, cards moved": [
            {"op": "card.delete", "id": first},
            {"op": "phase.delete", "id": p0, "cards": "move", "to": p1},
        ],
        "arrow re-attached, then its old card deleted": [
            {"op": "card.create", "id": new, "kind": "note"},
            {"op": "arrow.update", "id": arrow, "from": new},
            {"op": "card.delete", "id": first},
        ],
        "arrow deleted, then its card deleted and restored": [
            {"op": "arrow.delete", "id": arrow},
            {"op": "card.delete", "id": second},
            {"op": "card.restore", "id": second},
        ],
        "link's activity turned into a note": [
            {"op": "card.update", "id": second, "kind": "note", "text": "Just a note"},
        ],
        "link's touchpoint turned into an opportunity, then back": [
            {"op": "card.update", "id": first, "kind": "opportunity"},
            {"op": "card.update", "id": first, "kind": "touchpoint"},
        ],
        "link deleted, and the same pair linked again": [
            {"op": "link.delete", "id": link},
            {"op": "link.create", "id": new, "from": second, "to": first},
        ],
        "card deleted with its link, both restored": [
            {"op": "card.delete", "id": first},
            {"op": "card.restore", "id": first},
            {"op": "link.restore", "id": link},
        ],
        "phase created, moved and deleted in one go": [
            {"op": "phase.create", "id": new, "name": " Extra ", "position": 0},
            {"op": "phase.move", "id": new, "position": 7},
            {"op": "card.update", "id": first, "phase": new},
            {"op": "phase.delete", "id": new, "cards": "move", "to": p2},
        ],
    }


@pytest.mark.parametrize(
    "name",
    list(
        _batches(
            {"first": "", "second": "", "arrow": "", "link": "", "phases": [1, 2, 3], "new": ""}
        )
    ),
)
def test_a_batch_that_revises_itself_is_replayed_as_the_server_applied_it(org, members, name):
    board = fresh_board(org, members["owner"])

    async def scenario():
        alice = Client(members["editor"], board, "alice")
        bob = Client(members["viewer"], board, "bob")
        try:
            await alice.connect()
            await bob.connect()
            state = alice.confirmed
            first = next(c for c in state["cards"] if c["text"] == "Instagram ad")
            ids = {
                "first": first["id"],
                "second": next(c["id"] for c in state["cards"] if c is not first),
                "arrow": state["arrows"][0]["id"],
                "link": state["links"][0]["id"],
                "phases": [p["id"] for p in state["phases"]],
                "new": new_id(),
            }
            await alice.edit(_batches(ids)[name])
            await alice.pump(until=lambda: not alice.pending)
            assert alice.errors == []
            await assert_converged(board, [alice, bob])
        finally:
            await alice.disconnect()
            await bob.disconnect()

    with override_settings(CHANNEL_LAYERS=copy.deepcopy(django_settings.CHANNEL_LAYERS)):
        async_to_sync(scenario)()
