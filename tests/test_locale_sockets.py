"""Sockets speak their person's language (boards.live.consumer, boards.live.commit): an
error frame comes in the language of the person whose frame it answers, from the socket
itself or from a group commit that answers several people at once."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.utils import translation

from boards.sharing import share_link_create
from tests.factories import make_card
from tests.test_group_commit import answer, held, move, queued  # noqa: F401 (held: fixture)
from tests.ws import new_id, receive_type

pytestmark = pytest.mark.django_db(transaction=True)

UNKNOWN_OP = "“%(op)s” is not an op this server knows."


def said_in(language: str, message: str, **values) -> str:
    with translation.override(language):
        said = translation.gettext(message)
    assert said != message, f"no {language} translation of {message!r}"
    return said % values if values else said


async def unknown_op(communicator) -> dict:
    await communicator.send_json_to({"type": "op", "op_id": new_id(), "ops": [{"op": "teleport"}]})
    return await receive_type(communicator, "error")


async def test_a_socket_error_comes_in_the_browser_s_language(sockets, board, members):
    editor, _, _ = await sockets.join(members["editor"], board, accept_language="sv,en;q=0.5")

    error = await unknown_op(editor)

    assert error["code"] == "unknown_op"
    assert error["message"] == said_in("sv", UNKNOWN_OP, op="teleport")


async def test_the_profile_s_language_wins_over_the_browser_s(sockets, board, members):
    members["editor"].language = "fi"
    await members["editor"].asave(update_fields=["language"])
    editor, _, _ = await sockets.join(members["editor"], board, accept_language="de")

    error = await unknown_op(editor)

    assert error["message"] == said_in("fi", UNKNOWN_OP, op="teleport")


async def test_a_read_only_guest_is_told_in_their_browser_s_language(sockets, board, members):
    link = await sync_to_async(share_link_create)(
        board=board, actor=members["facilitator"], label="Agentur", days=None
    )
    guest, connected = await sockets.open(
        None, board, path=f"/ws/share/{link.token}/", accept_language="de-DE,de;q=0.9"
    )
    assert connected
    await receive_type(guest, "welcome")

    await guest.send_json_to({"type": "op", "op_id": new_id(), "ops": move(new_id(), 1)})

    error = await receive_type(guest, "error")
    assert error["message"] == said_in(
        "de", "This is a read-only link: the board cannot be changed here."
    )


async def test_one_group_commit_answers_each_sender_in_their_own_language(
    sockets,
    board,
    members,
    held,  # noqa: F811 (the fixture imported above)
):
    editor, _, snapshot = await sockets.join(members["editor"], board, accept_language="fi")
    german, _, _ = await sockets.join(members["owner"], board, accept_language="de")
    swede, _, _ = await sockets.join(members["viewer"], board, accept_language="sv")
    card = snapshot["state"]["cards"][0]["id"]
    binned = await sync_to_async(make_card)(board, text="Binned", deleted=True)
    await editor.send_json_to({"type": "op", "op_id": new_id(), "ops": move(card, 1)})
    await asyncio.sleep(0.1)  # the first commit is running (held)
    await german.send_json_to({"type": "op", "op_id": new_id(), "ops": move(str(binned.pk), 5)})
    await swede.send_json_to({"type": "op", "op_id": new_id(), "ops": move(card, 6)})
    await queued(2)
    held.release()

    assert (await answer(editor))["type"] == "ack"
    refused_de, refused_sv = await answer(german), await answer(swede)
    assert held.sizes == [1, 2]
    assert refused_de["message"] == said_in("de", "That card was deleted by someone else.")
    assert refused_sv["message"] == said_in(
        "sv", "Your role lets you view this board, not change it."
    )
