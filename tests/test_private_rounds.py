"""Private writing rounds (docs/protocol.md, "Private writing rounds"): while one runs, a
participant's new cards reach nobody but their author (not in patches, snapshots, sync
replies, exports, versions or panels of others) until the facilitator reveals them all
at once, with their authors; every page still gets every revision, so none loops on gaps.
"""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.test import Client
from django.urls import reverse

from boards.exports.build import export_board
from boards.live import room
from boards.models import Board, Card, OpLog
from boards.selectors import board_gaps
from boards.snapshots import snapshot_create
from journeymap.models import Membership, Role
from tests.conftest import make_user
from tests.ws import new_id, ping, receive_type, send_ops

pytestmark = pytest.mark.django_db(transaction=True)


async def facilitate(communicator, action: str, ref: str = "r1") -> dict:
    """Send a facilitate frame; return its answer (facilitated or error). A patch that
    comes first (the reveal's) is kept for the next receive."""
    await communicator.send_json_to({"type": "facilitate", "ref": ref, "action": action})
    early = []
    while True:
        frame = await receive_type(communicator, {"facilitated", "error", "patch"})
        if frame["type"] != "patch":
            communicator.__dict__.setdefault("bundled", [])[:0] = early
            return frame
        early.append(frame)


async def _start(facilitator) -> None:
    assert (await facilitate(facilitator, "private.start"))["type"] == "facilitated"


async def _reveal(facilitator) -> None:
    assert (await facilitate(facilitator, "private.reveal"))["type"] == "facilitated"


@pytest.fixture
def second_editor(org):
    user = make_user("Bea Editor", "bea@example.com")
    Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
    return user


async def _send(communicator, ops: list[dict]) -> dict:
    """Send an op frame; its ack or error, past the patches of others' ops."""
    await communicator.send_json_to({"type": "op", "op_id": new_id(), "ops": ops})
    while True:
        frame = await receive_type(communicator, {"ack", "error", "patch"})
        if frame["type"] != "patch":
            return frame


async def _next(communicator, kind: str) -> dict:
    """The next frame of `kind`, past patches."""
    while True:
        frame = await receive_type(communicator, {kind, "patch"})
        if frame["type"] == kind:
            return frame


async def _workshop(communicator, wanted) -> dict:
    """The next workshop frame that is `wanted` (past those sent before the change, and
    past patches)."""
    while True:
        frame = await _next(communicator, "workshop")
        if wanted(frame):
            return frame


def _note(card_id: str, text: str) -> list[dict]:
    return [{"op": "card.create", "id": card_id, "kind": "note", "text": text, "x": 10, "y": 20}]


def _texts(state: dict) -> set[str]:
    return {card["text"] for card in state["cards"]}


async def _round(sockets, board, members, second_editor):
    """The facilitator, editor Ana and editor Bea on the board, a private round started."""
    facilitator, _, _ = await sockets.join(members["facilitator"], board)
    ana, _, _ = await sockets.join(members["editor"], board)
    bea, _, _ = await sockets.join(second_editor, board)
    await _start(facilitator)
    return facilitator, ana, bea


async def test_a_new_card_reaches_only_its_author_until_the_reveal(
    sockets, board, members, second_editor
):
    facilitator, ana, bea = await _round(sockets, board, members, second_editor)
    card = new_id()
    ack = await send_ops(ana, _note(card, "Ana's secret idea"))
    assert ack == {"type": "ack", "op_id": ack["op_id"], "rev": 1}
    mine = await receive_type(ana, "patch")
    assert mine["ops"][0]["id"] == card
    assert mine["ops"][0]["private"] is True
    # The others get the revision, and nothing of the card: no gap, no content.
    for other in (bea, facilitator):
        patch = await receive_type(other, "patch")
        assert patch["rev"] == 1
        assert patch["ops"] == []
        assert "Ana's secret idea" not in str(patch)
    # Editing one's own private card stays private too.
    await send_ops(ana, [{"op": "card.update", "id": card, "text": "Ana's better idea"}])
    assert (await receive_type(ana, "patch"))["ops"][0]["text"] == "Ana's better idea"
    for other in (bea, facilitator):
        assert (await receive_type(other, "patch"))["ops"] == []
    # Snapshots and sync replies: the author's own, the others' without it.
    for communicator, sees in ((ana, True), (bea, False), (facilitator, False)):
        await communicator.send_json_to({"type": "sync", "rev": None, "epoch": None})
        snapshot = await receive_type(communicator, "snapshot")
        assert ("Ana's better idea" in _texts(snapshot["state"])) is sees
        await communicator.send_json_to({"type": "sync", "rev": 0, "epoch": board.epoch})
        patches = await receive_type(communicator, "patches")
        assert [p["rev"] for p in patches["patches"]] == [1, 2]
        assert ("better idea" in str(patches)) is sees
        assert "_to" not in str(patches)
    await ana.send_json_to({"type": "sync", "rev": None, "epoch": None})
    own = {c["id"]: c for c in (await receive_type(ana, "snapshot"))["state"]["cards"]}[card]
    assert own["private"] is True

    await _reveal(facilitator)
    for communicator in (ana, bea, facilitator):
        patch = await receive_type(communicator, "patch")
        assert patch["rev"] == 3
        assert patch["by"] == members["facilitator"].pk
        [reveal] = patch["ops"]
        assert reveal["op"] == "card.reveal"
        assert reveal["card"]["text"] == "Ana's better idea"
        assert reveal["card"]["author"] == members["editor"].pk
        assert "private" not in reveal["card"]
    await bea.send_json_to({"type": "sync", "rev": None, "epoch": None})
    assert "Ana's better idea" in _texts((await receive_type(bea, "snapshot"))["state"])


async def test_others_cannot_name_a_private_card(sockets, board, members, second_editor):
    facilitator, ana, bea = await _round(sockets, board, members, second_editor)
    card = new_id()
    await _send(ana, _note(card, "Mine alone"))
    before = await sync_to_async(lambda: list(Card.objects.filter(pk=card).values()))()
    for other in (bea, facilitator):
        for ops in (
            [{"op": "card.update", "id": card, "text": "Peek"}],
            [{"op": "card.delete", "id": card}],
            [{"op": "card.restore", "id": card}],
        ):
            error = await _send(other, ops)
            assert error["type"] == "error"
            assert error["code"] == "not_found"
            assert "Mine alone" not in error["message"]
    assert before == await sync_to_async(lambda: list(Card.objects.filter(pk=card).values()))()


async def test_an_arrow_to_a_private_card_stays_private(sockets, board, members, second_editor):
    _facilitator, ana, bea = await _round(sockets, board, members, second_editor)
    public = (await sync_to_async(Card.objects.filter(board=board).first)()).pk
    card, arrow = new_id(), new_id()
    await _send(ana, _note(card, "Secret"))
    ack = await _send(ana, [{"op": "arrow.create", "id": arrow, "from": card, "to": str(public)}])
    assert ack["type"] == "ack"
    await bea.send_json_to({"type": "sync", "rev": None, "epoch": None})
    state = (await _next(bea, "snapshot"))["state"]
    assert arrow not in {a["id"] for a in state["arrows"]}
    # Bea deletes the public card: the arrow goes with it, and only Ana hears of it.
    await _send(bea, [{"op": "card.delete", "id": str(public)}])
    await ana.send_json_to({"type": "sync", "rev": 2, "epoch": board.epoch})
    patches = (await _next(ana, "patches"))["patches"]
    assert {"op": "arrow.delete", "id": arrow} in patches[-1]["ops"]
    await bea.send_json_to({"type": "sync", "rev": 2, "epoch": board.epoch})
    patches = (await _next(bea, "patches"))["patches"]
    assert arrow not in str(patches)


async def test_the_facilitators_cards_stay_public(sockets, board, members, second_editor):
    facilitator, _ana, bea = await _round(sockets, board, members, second_editor)
    card = new_id()
    await _send(facilitator, _note(card, "Write one idea per card"))
    patch = await receive_type(bea, "patch")
    assert patch["ops"][0]["text"] == "Write one idea per card"
    assert "private" not in patch["ops"][0]


async def test_a_page_that_missed_revisions_catches_up_without_looping(
    sockets, board, members, second_editor
):
    _facilitator, ana, _bea = await _round(sockets, board, members, second_editor)
    for n in range(3):
        await _send(ana, _note(new_id(), f"Private {n}"))
    # Bea, back from a reconnect at revision 0, is given every revision: her rev reaches
    # the board's, so her page has no gap left to ask about.
    late, _, reply = await sockets.join(second_editor, board, rev=0, epoch=board.epoch)
    assert [p["rev"] for p in reply["patches"]] == [1, 2, 3]
    assert all(p["ops"] == [] for p in reply["patches"])
    assert reply["rev"] == (await ping(late))["rev"] == 3
    # Ana reconnecting during the round gets her own cards back.
    _again, _, snapshot = await sockets.join(members["editor"], board)
    assert {"Private 0", "Private 1", "Private 2"} <= _texts(snapshot["state"])
    assert all(c.get("private") for c in snapshot["state"]["cards"] if "Private" in c["text"])


async def test_nothing_private_in_exports_versions_or_panels(
    sockets, board, members, second_editor
):
    facilitator, ana, _bea = await _round(sockets, board, members, second_editor)
    card = new_id()
    await _send(ana, _note(card, "Hidden thought"))
    fresh = await Board.objects.aget(pk=board.pk)
    for fmt in ("json", "csv"):
        export = await sync_to_async(export_board)(fresh, fmt)
        assert b"Hidden thought" not in export.content
    touchpoint = new_id()
    await _send(
        ana, [{"op": "card.create", "id": touchpoint, "kind": "touchpoint", "text": "Hidden tp"}]
    )
    gaps = await sync_to_async(board_gaps)(await Board.objects.aget(pk=board.pk))
    assert "Hidden tp" not in str(gaps)
    assert touchpoint not in str(gaps)
    snapshot = await sync_to_async(snapshot_create)(
        board=fresh, name="Mid-round", actor=members["facilitator"]
    )
    assert "Hidden thought" not in str(snapshot.state)
    url = reverse("panel_card", args=[board.pk, card])

    def panel(user):
        client = Client()
        client.force_login(user)
        return client.get(url)

    assert (await sync_to_async(panel)(second_editor)).status_code == 404
    assert (await sync_to_async(panel)(members["facilitator"])).status_code == 404
    own = await sync_to_async(panel)(members["editor"])
    assert own.status_code == 200
    assert "Hidden thought" in own.content.decode()
    await _reveal(facilitator)
    export = await sync_to_async(export_board)(await Board.objects.aget(pk=board.pk), "json")
    assert b"Hidden thought" in export.content


async def test_the_reveal_is_one_logged_revision(sockets, board, members, second_editor):
    facilitator, ana, bea = await _round(sockets, board, members, second_editor)
    await _send(ana, _note(new_id(), "A"))
    await _send(bea, _note(new_id(), "B"))
    await _reveal(facilitator)
    entry = await OpLog.objects.aget(board=board, rev=3)
    assert [op["card"]["text"] for op in entry.ops] == ["A", "B"]
    assert not await Card.objects.filter(board=board, private=True).aexists()
    assert (await Board.objects.aget(pk=board.pk)).private_since is None


def test_one_broadcast_carries_every_revision_to_everyone_and_the_private_ops_to_their_author():
    import json

    from boards.live.commit import Commit
    from boards.private import TO

    public = Commit(5, 1, new_id(), 1, [{"op": "card.update", "id": "a", "x": 1}])
    private = Commit(6, 1, new_id(), 2, [{"op": "card.update", "id": "b", "x": 2, TO: 2}])
    messages = room.patch_messages([public, private])
    everyone = [json.loads(message["text"]) for message in messages]
    assert [f["rev"] for f in everyone] == [5, 6]
    assert everyone[1]["ops"] == []
    assert "private" not in messages[0]
    author = json.loads(messages[1]["private"]["2"])
    assert author["ops"] == [{"op": "card.update", "id": "b", "x": 2}]
    assert set(messages[1]["private"]) == {"2"}
    assert all("private" not in message for message in room.patch_messages([public]))


# Who may run a round, and what everyone's workshop frame says.


@pytest.mark.parametrize("role", ["editor", "viewer"])
async def test_only_a_facilitator_starts_or_reveals_a_round(sockets, board, members, role):
    other, _, _ = await sockets.join(members[role], board)
    refused = await facilitate(other, "private.start", ref="mine")
    assert refused["type"] == "error"
    assert refused["code"] == "forbidden"
    assert refused["ref"] == "mine"
    assert (await Board.objects.aget(pk=board.pk)).private_since is None
    lead, _, _ = await sockets.join(members["facilitator"], board)
    await _start(lead)
    refused = await facilitate(other, "private.reveal")
    assert refused["code"] == "forbidden"
    assert (await Board.objects.aget(pk=board.pk)).private_since is not None


@pytest.mark.parametrize("role", ["owner", "admin", "facilitator"])
async def test_facilitators_owners_and_admins_run_rounds(sockets, board, members, role):
    lead, _, _ = await sockets.join(members[role], board)
    await _start(lead)
    await _reveal(lead)
    assert (await Board.objects.aget(pk=board.pk)).private_since is None


async def test_a_round_is_started_once_and_revealed_once(sockets, board, members):
    lead, _, _ = await sockets.join(members["facilitator"], board)
    refused = await facilitate(lead, "private.reveal")
    assert refused["code"] == "conflict"
    await _start(lead)
    refused = await facilitate(lead, "private.start")
    assert refused["code"] == "conflict"
    assert refused["message"] == "A private writing round is running already."
    rev = (await Board.objects.aget(pk=board.pk)).rev
    await _reveal(lead)
    assert (await Board.objects.aget(pk=board.pk)).rev == rev + 1


async def test_everyone_is_told_that_a_round_is_on_and_whose_cards_are_private(
    sockets, board, members, second_editor
):
    lead, welcome, _ = await sockets.join(members["facilitator"], board)
    assert welcome["workshop"]["private"] is None
    writer, _, _ = await sockets.join(members["editor"], board)
    watcher, _, _ = await sockets.join(members["viewer"], board)
    await _start(lead)
    for communicator, yours in ((lead, False), (writer, True), (watcher, False)):
        frame = await _workshop(communicator, lambda f: f["private"] is not None)
        assert frame["private"]["yours"] is yours
        assert frame["private"]["since"] <= frame["now"]
    # A page that connects during the round is told at once.
    late, welcome, _ = await sockets.join(second_editor, board)
    assert welcome["workshop"]["private"]["yours"] is True
    await _reveal(lead)
    for communicator in (lead, writer, watcher, late):
        await _workshop(communicator, lambda f: f["private"] is None)


async def test_a_share_link_guest_watches_the_public_board_only(
    sockets, board, members, second_editor
):
    from boards.sharing import share_link_create

    link = await sync_to_async(share_link_create)(
        board=board, actor=members["facilitator"], label="Agency", days=None
    )
    _facilitator, ana, _bea = await _round(sockets, board, members, second_editor)
    guest, connected = await sockets.open(None, board, path=f"/ws/share/{link.token}/")
    assert connected
    await receive_type(guest, "welcome")
    await guest.send_json_to({"type": "sync", "rev": 0, "epoch": board.epoch})
    await _next(guest, "patches")
    await _send(ana, _note(new_id(), "Not for guests"))
    patch = await receive_type(guest, "patch")
    assert patch["rev"] == 1
    assert patch["ops"] == []
    await guest.send_json_to({"type": "sync", "rev": None, "epoch": None})
    assert "Not for guests" not in _texts((await _next(guest, "snapshot"))["state"])


async def test_saving_ones_private_card_in_its_panel_keeps_it_private(
    sockets, board, members, second_editor
):
    _facilitator, ana, bea = await _round(sockets, board, members, second_editor)
    card = new_id()
    await _send(ana, _note(card, "Draft"))
    await receive_type(ana, "patch")
    await receive_type(bea, "patch")
    url = reverse("panel_card_save", args=[board.pk, card])
    form = {"kind": "note", "channel": "", "text": "Polished draft", "colour": ""}

    def save(user):
        client = Client()
        client.force_login(user)
        return client.post(url, form, HTTP_HX_REQUEST="true")

    assert (await sync_to_async(save)(second_editor)).status_code == 404
    assert (await sync_to_async(save)(members["editor"])).status_code == 200
    mine = await receive_type(ana, "patch")
    assert mine["ops"][0]["text"] == "Polished draft"
    theirs = await receive_type(bea, "patch")
    assert theirs["rev"] == mine["rev"]
    assert theirs["ops"] == []
