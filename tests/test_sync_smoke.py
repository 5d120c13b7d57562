from __future__ import annotations

import pytest

from boards.models import Card
from tests.ws import join, new_id, receive_type, send_ops

pytestmark = pytest.mark.django_db(transaction=True)


async def test_it_applies_an_op_and_tells_everyone(board, members):
    alice, welcome, snapshot = await join(members["editor"], board)
    bob, _, _ = await join(members["viewer"], board)
    assert welcome["you"]["role"] == "editor"
    assert snapshot["type"] == "snapshot"
    phase = snapshot["state"]["phases"][0]["id"]
    card_id = new_id()
    ack = await send_ops(
        alice,
        [
            {
                "op": "card.create",
                "id": card_id,
                "kind": "touchpoint",
                "phase": phase,
                "text": "Podcast ad",
            }
        ],
    )
    assert ack["type"] == "ack"
    assert ack["rev"] == snapshot["rev"] + 1
    patch = await receive_type(bob, "patch")
    assert patch["ops"][0]["text"] == "Podcast ad"
    assert await Card.objects.filter(id=card_id, text="Podcast ad").aexists()
    error = await send_ops(bob, [{"op": "card.delete", "id": card_id}])
    assert error["code"] == "forbidden"
    await alice.disconnect()
    await bob.disconnect()
