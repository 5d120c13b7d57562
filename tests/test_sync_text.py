"""Concurrent text over the socket (docs/protocol.md, "Concurrent text"): two people
typing in one card both keep their words, and a card deleted while someone types comes
back with what they typed."""

from __future__ import annotations

import pytest

from boards.models import Card
from tests.ws import new_id, receive_type


async def send_ops(socket, ops: list[dict], op_id: str | None = None) -> dict:
    """Send an op frame; its ack or error (others' patches on the way are skipped)."""
    op_id = op_id or new_id()
    await socket.send_json_to({"type": "op", "op_id": op_id, "ops": ops})
    while True:
        frame = await receive_type(socket, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame
        socket.__dict__.setdefault("patches", []).append(frame)


async def patch_of(socket, op_id: str) -> dict:
    """The patch of `op_id` on `socket` (others' patches on the way are skipped)."""
    for frame in socket.__dict__.get("patches", []):
        if frame["op_id"] == op_id:
            return frame
    while True:
        frame = await receive_type(socket, "patch")
        if frame["op_id"] == op_id:
            return frame


pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def pair(sockets, board, members):
    """The editor and the facilitator on the board, and the id of its "Instagram ad"."""
    alex, _, snapshot = await sockets.join(members["editor"], board)
    ben, _, _ = await sockets.join(members["facilitator"], board)
    card = next(c["id"] for c in snapshot["state"]["cards"] if c["text"] == "Instagram ad")
    return alex, ben, card


async def _edit(socket, card: str, base: str, text: str) -> dict:
    ack = await send_ops(socket, [{"op": "card.update", "id": card, "text": text, "base": base}])
    assert ack["type"] == "ack", ack
    return await patch_of(socket, ack["op_id"])


async def _text(card: str) -> str:
    return (await Card.objects.aget(id=card)).text


async def test_two_edits_from_one_base_are_merged_word_by_word(pair):
    alex, ben, card = pair
    await _edit(alex, card, "Instagram ad", "Paid Instagram ad")
    patch = await _edit(ben, card, "Instagram ad", "Instagram ad with coupon")
    assert patch["ops"] == [
        {"op": "card.update", "id": card, "text": "Paid Instagram ad with coupon", "merge": "clean"}
    ]
    assert await _text(card) == "Paid Instagram ad with coupon"


async def test_a_collision_keeps_both_texts_and_says_so(pair, members):
    alex, ben, card = pair
    await _edit(alex, card, "Instagram ad", "TikTok ad")
    patch = await _edit(ben, card, "Instagram ad", "YouTube ad")
    (op,) = patch["ops"]
    assert op["merge"] == "conflict"
    name = members["facilitator"].name
    assert op["text"] == f"TikTok ad\n\n— Also written at the same time, by {name}:\nYouTube ad"
    assert await _text(card) == op["text"]
    # The other editor hears of it too: the patch reaches every page.
    assert (await patch_of(alex, patch["op_id"]))["ops"] == [op]


async def test_without_a_base_the_last_edit_wins_as_before(pair):
    alex, ben, card = pair
    await _edit(alex, card, "Instagram ad", "TikTok ad")
    ack = await send_ops(ben, [{"op": "card.update", "id": card, "text": "YouTube ad"}])
    assert ack["type"] == "ack"
    assert await _text(card) == "YouTube ad"


async def test_texts_too_long_for_one_card_put_the_edit_into_a_copy_beside_it(pair, members):
    alex, ben, card = pair
    owner = members["viewer"].pk  # a member, named as the card's owner
    await send_ops(alex, [{"op": "card.update", "id": card, "owner": owner}])
    theirs, mine = "a" * 1500, "b" * 1500
    await _edit(alex, card, "Instagram ad", theirs)
    patch = await _edit(ben, card, "Instagram ad", mine)
    create, update = patch["ops"]
    assert create["op"] == "card.create"
    assert create["text"] == mine
    assert update == {
        "op": "card.update",
        "id": card,
        "text": theirs,
        "merge": "conflict",
        "copy": create["id"],
    }
    original = await Card.objects.aget(id=card)
    copy = await Card.objects.aget(id=create["id"])
    assert original.text == theirs
    assert (copy.kind, copy.phase_id, copy.x, copy.y) == (
        original.kind,
        original.phase_id,
        original.x + 24,
        original.y + 24,
    )


async def test_an_edit_of_a_card_deleted_meanwhile_brings_it_back_with_the_text(pair):
    alex, ben, card = pair
    assert (await send_ops(alex, [{"op": "card.delete", "id": card}]))["type"] == "ack"
    patch = await _edit(ben, card, "Instagram ad", "Instagram ad, 3 variants")
    restore, update = patch["ops"]
    assert restore["op"] == "card.restore"
    assert restore["card"]["id"] == card
    assert update == {
        "op": "card.update",
        "id": card,
        "text": "Instagram ad, 3 variants",
        "restored": True,
    }
    stored = await Card.objects.aget(id=card)
    assert not stored.deleted
    assert stored.text == "Instagram ad, 3 variants"


async def test_an_edit_without_a_base_of_a_deleted_card_is_still_refused(pair):
    alex, ben, card = pair
    await send_ops(alex, [{"op": "card.delete", "id": card}])
    error = await send_ops(ben, [{"op": "card.update", "id": card, "text": "Hi"}])
    assert error["code"] == "deleted"


async def test_a_base_without_text_is_refused(pair):
    alex, _, card = pair
    error = await send_ops(alex, [{"op": "card.update", "id": card, "x": 5, "base": "Hi"}])
    assert error["code"] == "invalid"
    assert "base" in error["message"]


async def test_a_resent_merge_is_applied_once(pair):
    alex, ben, card = pair
    await _edit(alex, card, "Instagram ad", "Paid Instagram ad")
    op_id = new_id()
    op = {"op": "card.update", "id": card, "text": "Instagram ad now", "base": "Instagram ad"}
    first = await send_ops(ben, [op], op_id)
    again = await send_ops(ben, [op], op_id)
    assert first == again
    assert await _text(card) == "Paid Instagram ad now"
