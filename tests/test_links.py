"""Links between an activity (or opportunity) and the touchpoint it serves, over the
socket: what everyone receives, what the database holds, and every refusal
(docs/protocol.md, "Ops": link.create, link.delete, link.restore)."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async

from boards.actions import board_create
from boards.models import Card, CardKind, CardLink, OpLog
from tests.ws import commit, new_id, ping, send_ops, stored, watched_board

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
async def live(sockets, board, members):
    """The conftest board watched by two pages: `first` is the touchpoint "Instagram ad",
    `second` the activity "Welcome e-mail"."""
    return await watched_board(sockets, board, members)


def _link(ident: str, start: str, end: str) -> dict:
    return {"op": "link.create", "id": ident, "from": start, "to": end}


async def _card(live, kind: str, text: str = "") -> str:
    ident = new_id()
    await commit(live, [{"op": "card.create", "id": ident, "kind": kind, "text": text}])
    return ident


async def _live_links(board) -> set[tuple[str, str]]:
    return {
        (str(source), str(target))
        async for source, target in CardLink.objects.filter(board=board, deleted=False).values_list(
            "source_id", "target_id"
        )
    }


async def _refused(live, ops: list[dict], code: str) -> dict:
    """Send `ops` as the editor; check the refusal and that nothing reached the database
    or the other page."""
    before = await stored(live.board.pk)
    op_id = new_id()
    error = await send_ops(live.author, ops, op_id)
    assert error["type"] == "error", error
    assert error["code"] == code, error
    assert error["op_id"] == op_id
    assert error["message"]
    assert await stored(live.board.pk) == before
    rev = before["board"]["rev"]
    assert await ping(live.author) == {"type": "pong", "rev": rev, "epoch": 1}
    assert await ping(live.observer) == {"type": "pong", "rev": rev, "epoch": 1}  # no patch
    return error


# Creating.


async def test_it_links_an_activity_to_the_touchpoint_it_serves(live, sockets, members):
    link = new_id()
    ops = await commit(live, [_link(link, live.second, live.first)])

    assert ops == [{"op": "link.create", "id": link, "from": live.second, "to": live.first}]
    stored_link = await CardLink.objects.aget(id=link)
    assert (str(stored_link.source_id), str(stored_link.target_id)) == (live.second, live.first)
    assert stored_link.board_id == live.board.pk
    assert stored_link.author_id == live.editor.pk
    assert not stored_link.deleted
    _, _, snapshot = await sockets.join(members["owner"], live.board)
    assert snapshot["state"]["links"] == [{"id": link, "from": live.second, "to": live.first}]


async def test_it_links_an_opportunity_made_in_the_same_batch(live):
    opportunity, link = new_id(), new_id()
    ops = await commit(
        live,
        [
            {"op": "card.create", "id": opportunity, "kind": "opportunity", "text": "Review mail"},
            _link(link, opportunity, live.first),
        ],
    )
    assert [op["op"] for op in ops] == ["card.create", "link.create"]
    assert await _live_links(live.board) == {(opportunity, live.first)}


async def test_it_links_one_activity_to_several_touchpoints(live):
    other = await _card(live, "touchpoint", "Newsletter sign-up")
    await commit(
        live, [_link(new_id(), live.second, live.first), _link(new_id(), live.second, other)]
    )
    assert await _live_links(live.board) == {(live.second, live.first), (live.second, other)}


# Refusals: nothing is saved, nobody hears of it.


async def test_it_refuses_a_link_between_two_touchpoints(live):
    other = await _card(live, "touchpoint")
    error = await _refused(live, [_link(new_id(), other, live.first)], "invalid_link")
    assert "activity" in error["message"]


async def test_it_refuses_a_link_that_does_not_end_at_a_touchpoint(live):
    activity = await _card(live, "activity")
    note = await _card(live, "note")
    await _refused(live, [_link(new_id(), live.second, activity)], "invalid_link")
    await _refused(live, [_link(new_id(), live.second, note)], "invalid_link")
    await _refused(live, [_link(new_id(), note, live.first)], "invalid_link")


async def test_it_refuses_a_link_from_a_touchpoint_to_an_activity(live):
    # The direction is fixed by the kinds: from the activity, to the touchpoint.
    await _refused(live, [_link(new_id(), live.first, live.second)], "invalid_link")


async def test_it_refuses_a_link_to_a_card_of_another_board(live, members):
    other = await sync_to_async(board_create)(
        organisation=live.board.organisation,
        title="Other board",
        framework="clm4",
        created_by=members["owner"],
    )
    theirs = await Card.objects.acreate(
        id=uuid.uuid4(), board=other, kind=CardKind.TOUCHPOINT, text="Theirs"
    )
    before_other = await stored(other.pk)
    await _refused(live, [_link(new_id(), live.second, str(theirs.id))], "not_found")
    await _refused(live, [_link(new_id(), live.second, new_id())], "not_found")
    assert await stored(other.pk) == before_other


async def test_it_refuses_to_link_the_same_pair_twice(live):
    await commit(live, [_link(new_id(), live.second, live.first)])
    error = await _refused(live, [_link(new_id(), live.second, live.first)], "exists")
    assert "linked already" in error["message"]
    # Within one batch too.
    opportunity = await _card(live, "opportunity")
    await _refused(
        live,
        [_link(new_id(), opportunity, live.first), _link(new_id(), opportunity, live.first)],
        "exists",
    )


async def test_it_refuses_a_link_id_that_is_taken(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    opportunity = await _card(live, "opportunity")
    await _refused(live, [_link(link, opportunity, live.first)], "exists")


async def test_it_refuses_a_link_to_a_deleted_card(live):
    await commit(live, [{"op": "card.delete", "id": live.first}])
    await _refused(live, [_link(new_id(), live.second, live.first)], "deleted")


async def test_it_refuses_a_viewer_s_link(live):
    before = await stored(live.board.pk)
    error = await send_ops(live.observer, [_link(new_id(), live.second, live.first)])
    assert error["code"] == "forbidden"
    assert await stored(live.board.pk) == before


async def test_it_refuses_to_delete_a_link_of_another_board(live, members):
    other = await sync_to_async(board_create)(
        organisation=live.board.organisation,
        title="Other board",
        framework="clm4",
        created_by=members["owner"],
    )
    touchpoint, activity = [
        await Card.objects.acreate(id=uuid.uuid4(), board=other, kind=kind)
        for kind in (CardKind.TOUCHPOINT, CardKind.ACTIVITY)
    ]
    theirs = await CardLink.objects.acreate(
        id=uuid.uuid4(), board=other, source=activity, target=touchpoint
    )
    await _refused(live, [{"op": "link.delete", "id": str(theirs.id)}], "not_found")
    await _refused(live, [{"op": "link.restore", "id": str(theirs.id)}], "not_found")
    assert not (await CardLink.objects.aget(id=theirs.id)).deleted


# Deleting and restoring.


async def test_it_deletes_and_restores_a_link(live, sockets, members):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])

    assert await commit(live, [{"op": "link.delete", "id": link}]) == [
        {"op": "link.delete", "id": link}
    ]
    assert (await CardLink.objects.aget(id=link)).deleted
    assert await commit(live, [{"op": "link.delete", "id": link}]) == [
        {"op": "link.delete", "id": link}
    ]  # harmless twice

    restored = await commit(live, [{"op": "link.restore", "id": link}])
    assert restored == [
        {
            "op": "link.restore",
            "id": link,
            "link": {"id": link, "from": live.second, "to": live.first},
        }
    ]
    assert not (await CardLink.objects.aget(id=link)).deleted
    _, _, snapshot = await sockets.join(members["owner"], live.board)
    assert [k["id"] for k in snapshot["state"]["links"]] == [link]


async def test_it_links_a_pair_again_after_unlinking_it_in_the_same_batch(live):
    old, new = new_id(), new_id()
    await commit(live, [_link(old, live.second, live.first)])
    await commit(live, [{"op": "link.delete", "id": old}, _link(new, live.second, live.first)])
    assert (await CardLink.objects.aget(id=old)).deleted
    assert not (await CardLink.objects.aget(id=new)).deleted
    # And the old one cannot come back beside the new one.
    await _refused(live, [{"op": "link.restore", "id": old}], "exists")


async def test_it_refuses_to_restore_a_link_whose_card_is_deleted(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    await commit(live, [{"op": "card.delete", "id": live.first}])
    await _refused(live, [{"op": "link.restore", "id": link}], "deleted")


async def test_it_refuses_to_restore_a_link_whose_card_changed_kind(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    await commit(live, [{"op": "link.delete", "id": link}])
    await commit(live, [{"op": "card.update", "id": live.first, "kind": "note"}])
    await _refused(live, [{"op": "link.restore", "id": link}], "invalid_link")


# Consequences, spelled out in the same revision.


async def test_it_deletes_a_cards_links_with_it_in_one_revision(live, sockets, members):
    other = await _card(live, "touchpoint", "Checkout")
    into, out_of = new_id(), new_id()
    await commit(live, [_link(into, live.second, live.first), _link(out_of, live.second, other)])
    before = await OpLog.objects.filter(board=live.board).acount()

    ops = await commit(live, [{"op": "card.delete", "id": live.second}])

    assert ops[-1] == {"op": "card.delete", "id": live.second}
    assert ops[0] == {"op": "arrow.delete", "id": live.arrow}
    assert sorted(op["id"] for op in ops if op["op"] == "link.delete") == sorted([into, out_of])
    assert len(ops) == 4
    assert await OpLog.objects.filter(board=live.board).acount() == before + 1
    assert await CardLink.objects.filter(board=live.board, deleted=False).acount() == 0
    _, _, snapshot = await sockets.join(members["owner"], live.board)
    assert snapshot["state"]["links"] == []


async def test_it_deletes_the_links_of_a_deleted_touchpoint(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    ops = await commit(live, [{"op": "card.delete", "id": live.first}])
    assert {"op": "link.delete", "id": link} in ops
    assert (await CardLink.objects.aget(id=link)).deleted


async def test_it_undoes_a_card_delete_with_restore_ops(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    await commit(live, [{"op": "card.delete", "id": live.first}])
    ops = await commit(
        live,
        [{"op": "card.restore", "id": live.first}, {"op": "link.restore", "id": link}],
    )
    assert [op["op"] for op in ops] == ["card.restore", "link.restore"]
    assert await _live_links(live.board) == {(live.second, live.first)}


@pytest.mark.parametrize(
    ("end", "kind", "kept"),
    [
        ("second", "note", False),  # an activity turned note serves nothing
        ("second", "touchpoint", False),
        ("second", "opportunity", True),  # still a valid start
        ("first", "note", False),  # a touchpoint turned note is no longer served
        ("first", "activity", False),
    ],
)
async def test_it_deletes_the_links_a_kind_change_no_longer_allows(live, end, kind, kept):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    card = getattr(live, end)
    update = {"op": "card.update", "id": card, "kind": kind}

    ops = await commit(live, [update])

    if kept:
        assert ops == [update]
    else:
        # The consequence comes first, in the same revision, as a deleted card's arrows do.
        assert ops == [{"op": "link.delete", "id": link}, update]
    assert (await CardLink.objects.aget(id=link)).deleted is not kept
    assert (await Card.objects.aget(id=card)).kind == kind


async def test_it_keeps_links_when_the_kind_is_sent_unchanged(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    update = {"op": "card.update", "id": live.first, "kind": "touchpoint", "text": "Instagram"}
    assert await commit(live, [update]) == [update]
    assert not (await CardLink.objects.aget(id=link)).deleted


async def test_a_link_made_after_a_kind_change_in_the_same_batch_is_judged_by_the_new_kind(live):
    note = await _card(live, "note", "Idea")
    link = new_id()
    await commit(
        live,
        [{"op": "card.update", "id": note, "kind": "opportunity"}, _link(link, note, live.first)],
    )
    assert await _live_links(live.board) == {(note, live.first)}


async def test_a_phase_deleted_with_its_cards_takes_their_links(live):
    link = new_id()
    await commit(live, [_link(link, live.second, live.first)])
    ops = await commit(live, [{"op": "phase.delete", "id": live.phases[0], "cards": "delete"}])
    assert {"op": "link.delete", "id": link} in ops
    assert ops.index({"op": "link.delete", "id": link}) < ops.index(
        {"op": "card.delete", "id": live.first}
    )
    assert (await CardLink.objects.aget(id=link)).deleted


async def test_a_refused_link_leaves_the_socket_open_for_the_next_op(live):
    await _refused(live, [_link(new_id(), live.first, live.first)], "invalid_link")
    # The next revision is the next one both pages see (commit checks it).
    await commit(live, [_link(new_id(), live.second, live.first)])
