"""Versions of a board (boards/snapshots.py, boards/views/versions.py): saving one, the
list, comparing one with the board, restoring one live, and the automatic ones."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from boards.actions import board_apply_ops
from boards.models import Board, Card, Snapshot, SnapshotKind
from boards.selectors import board_state
from boards.snapshots import (
    compare_states,
    snapshot_after_session,
    snapshot_create,
    snapshot_restore,
)
from boards.workshop import vote_rules
from tests.factories import make_board, make_card
from tests.helpers import page_text
from tests.ws import join, receive_type


def _edit(board, user, *ops):
    board_apply_ops(board=board, actor=user, ops=list(ops))


def _card_op(board, text, kind="touchpoint", position=0):
    phase = board.phases.get(position=position)
    return {
        "op": "card.create",
        "id": str(uuid.uuid4()),
        "kind": kind,
        "phase": str(phase.id),
        "text": text,
    }


# Saving and listing


def test_it_saves_a_named_version_with_its_counts(client_for, board):
    client = client_for("editor")

    response = client.post(reverse("board_versions", args=[board.id]), {"name": "Kick-off"})

    assert response.status_code == 302
    snapshot = Snapshot.objects.get(board=board)
    assert (snapshot.name, snapshot.kind, snapshot.rev) == ("Kick-off", "manual", board.rev)
    assert (snapshot.card_count, snapshot.arrow_count) == (2, 1)
    assert snapshot.state == board_state(board)
    text = page_text(client.get(reverse("board_versions", args=[board.id])))
    assert "Kick-off" in text
    assert "Editor Person" in text


def test_it_refuses_a_version_without_a_name(client_for, board):
    response = client_for("editor").post(reverse("board_versions", args=[board.id]), {"name": "  "})

    assert response.status_code == 400
    assert "Name the version" in page_text(response)
    assert not Snapshot.objects.exists()


def test_a_viewer_sees_versions_but_saves_none(client_for, board, members):
    snapshot_create(board=board, name="Before", actor=members["owner"])
    client = client_for("viewer")

    text = page_text(client.get(reverse("board_versions", args=[board.id])))
    response = client.post(reverse("board_versions", args=[board.id]), {"name": "Mine"})

    assert "Before" in text
    assert "Save this version" not in text
    assert response.status_code == 403
    assert Snapshot.objects.count() == 1


def test_a_version_of_another_board_is_not_found(client_for, board, org, members):
    other = make_board(org, members["owner"], title="Other")
    snapshot = snapshot_create(board=other, name="Theirs", actor=members["owner"])

    response = client_for("owner").get(reverse("snapshot_detail", args=[board.id, snapshot.id]))

    assert response.status_code == 404


# Comparing


def test_it_shows_what_changed_since_the_version(client_for, board, members):
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    ad = Card.objects.get(board=board, text="Instagram ad")
    welcome = Card.objects.get(board=board, text="Welcome e-mail")
    consideration = board.phases.get(position=1)
    _edit(
        board,
        members["owner"],
        _card_op(board, "Podcast ad"),
        {"op": "card.update", "id": str(ad.id), "phase": str(consideration.id)},
        {"op": "card.update", "id": str(welcome.id), "text": "Welcome series"},
        {"op": "link.create", "id": str(uuid.uuid4()), "from": str(welcome.id), "to": str(ad.id)},
    )

    text = page_text(
        client_for("viewer").get(reverse("snapshot_detail", args=[board.id, snapshot.id]))
    )

    assert "Added since" in text
    assert "Podcast ad" in text
    assert "“Instagram ad”: Awareness → Consideration" in text
    assert "“Welcome e-mail” is now “Welcome series”" in text
    assert "Closed: “Instagram ad” has an activity behind it now" in text
    assert "Opened: “Podcast ad” has no activity behind it" in text


def test_compare_says_when_nothing_changed(board, members):
    state = board_state(board)

    assert compare_states(state, board_state(board))["same"] is True


def test_a_changed_kpi_no_longer_compares_as_the_same(client_for, board, members):
    from datetime import date

    from boards.plans import kpi_reading_add

    phase = board.phases.order_by("position").first()
    kpi = {"name": "Repeat-purchase rate", "value": 18, "target": 30, "unit": "%"}
    board_apply_ops(
        board=board,
        actor=members["owner"],
        ops=[{"op": "phase.update", "id": str(phase.id), "kpis": [kpi]}],
    )
    snapshot = snapshot_create(board=board, name="Before the campaign", actor=members["owner"])
    phase.refresh_from_db()
    kpi_reading_add(
        board=board,
        phase=phase,
        name="Repeat-purchase rate",
        on=date(2026, 3, 1),
        value=24,
        note="",
        actor=members["editor"],
    )

    changes = compare_states(snapshot.state, board_state(board))
    assert changes["same"] is False
    text = page_text(
        client_for("viewer").get(reverse("snapshot_detail", args=[board.id, snapshot.id]))
    )
    assert "Repeat-purchase rate (Awareness): 18 → 30 % is now 24 → 30 %" in text
    assert "1 new reading" in text


def test_compare_lists_removed_cards_and_arrows(board, members):
    before = board_state(board)
    ad = Card.objects.get(board=board, text="Instagram ad")
    _edit(board, members["owner"], {"op": "card.delete", "id": str(ad.id)})

    changes = compare_states(before, board_state(board))

    assert changes["removed"] == [
        {"text": "Instagram ad", "kind": "touchpoint", "kind_label": "Touchpoint"}
    ]
    assert changes["arrows_removed"] == ["Instagram ad → Welcome e-mail"]
    assert changes["gaps_closed"] == []  # a deleted touchpoint closes no gap


# Restoring


def test_a_facilitator_restores_a_version_and_keeps_the_board_before(client_for, board, members):
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    ad = Card.objects.get(board=board, text="Instagram ad")
    _edit(
        board,
        members["owner"],
        {"op": "card.delete", "id": str(ad.id)},
        _card_op(board, "New idea"),
    )
    before = Board.objects.get(pk=board.pk)

    response = client_for("facilitator").post(
        reverse("snapshot_restore", args=[board.id, snapshot.id])
    )

    assert response.status_code == 302
    after = Board.objects.get(pk=board.pk)
    assert (after.epoch, after.rev) == (before.epoch + 1, before.rev + 1)
    state = board_state(after)
    assert {c["text"] for c in state["cards"]} == {"Instagram ad", "Welcome e-mail"}
    assert len(state["arrows"]) == 1
    kept = Snapshot.objects.get(board=board, kind=SnapshotKind.BEFORE_RESTORE)
    assert {c["text"] for c in kept.state["cards"]} == {"Welcome e-mail", "New idea"}
    assert kept.rev == before.rev


def test_a_restore_waits_for_the_private_round_and_loses_no_private_card(
    client_for, board, members
):
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    Board.objects.filter(pk=board.pk).update(private_since=timezone.now())
    phase = board.phases.get(position=1)
    make_card(board, phase=phase, text="My private idea", private=True, author=members["editor"])
    before = Board.objects.get(pk=board.pk)
    facilitator = client_for("facilitator")
    page = page_text(facilitator.get(reverse("snapshot_detail", args=[board.id, snapshot.id])))
    assert "A private writing round is running. Reveal it first" in page
    assert "Restore this version" not in page

    # A page opened before the round began still offers it: the server refuses.
    response = facilitator.post(
        reverse("snapshot_restore", args=[board.id, snapshot.id]), follow=True
    )

    assert "A private writing round is running. Reveal it first" in page_text(response)
    assert response.redirect_chain[-1][0] == reverse(
        "snapshot_detail", args=[board.id, snapshot.id]
    )
    after = Board.objects.get(pk=board.pk)
    assert (after.epoch, after.rev) == (before.epoch, before.rev)
    assert Card.objects.filter(board=board, text="My private idea", private=True).exists()
    assert not Snapshot.objects.filter(board=board, kind=SnapshotKind.BEFORE_RESTORE).exists()


def test_a_vote_keeps_its_dots_on_the_cards_a_restore_brings_back(board, members):
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    _edit(board, members["owner"], _card_op(board, "Added after the version"))
    cards = {card.text: str(card.pk) for card in Card.objects.filter(board=board)}
    vote = vote_rules.open_vote(
        board, members["facilitator"], timezone.now(), {"scope": "all", "votes": 3}
    )
    for text in ("Instagram ad", "Instagram ad", "Added after the version"):
        vote_rules.cast(board, members["editor"], {"card": cards[text]})
    vote_rules.cast(board, members["owner"], {"card": cards["Welcome e-mail"]})

    snapshot_restore(snapshot=snapshot, actor=members["owner"])

    # The card the version lacks is gone, and its dot with it; the others keep theirs.
    counts = {row["card"]: row["count"] for row in vote_rules.results(vote)}
    assert counts == {cards["Instagram ad"]: 2, cards["Welcome e-mail"]: 1}


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_facilitators_and_above_restore(client_for, board, members, role, status):
    snapshot = snapshot_create(board=board, name="Start", actor=members["owner"])
    _edit(board, members["owner"], _card_op(board, "Stays"))

    response = client_for(role).post(reverse("snapshot_restore", args=[board.id, snapshot.id]))

    assert response.status_code == status
    assert Card.objects.filter(board=board, text="Stays", deleted=False).exists()


@pytest.mark.django_db(transaction=True)
async def test_a_restore_reaches_open_pages_as_a_new_epoch(board, members):
    from asgiref.sync import sync_to_async

    snapshot = await sync_to_async(snapshot_create)(
        board=board, name="Start", actor=members["owner"]
    )
    await sync_to_async(
        lambda: _edit(board, members["owner"], _card_op(board, "Gone after restore"))
    )()
    communicator, welcome, reply = await join(members["editor"], board)

    await sync_to_async(snapshot_restore)(snapshot=snapshot, actor=members["owner"])

    patch = await receive_type(communicator, "patch")
    assert patch["epoch"] == welcome["epoch"] + 1
    await communicator.send_json_to(
        {"type": "sync", "rev": reply["rev"], "epoch": welcome["epoch"]}
    )
    fresh = await receive_type(communicator, "snapshot")
    assert {c["text"] for c in fresh["state"]["cards"]} == {"Instagram ad", "Welcome e-mail"}
    await communicator.disconnect()


# Automatic versions


def _quiet(board, seconds=3600):
    Board.objects.filter(pk=board.pk).update(updated=timezone.now() - timedelta(seconds=seconds))


def test_a_quiet_board_keeps_a_version_of_its_last_session(board, members):
    _edit(board, members["editor"], _card_op(board, "Made in the workshop"))
    assert snapshot_after_session(board_id=board.pk) is None  # still in session
    _quiet(board)

    snapshot = snapshot_after_session(board_id=board.pk)

    assert snapshot.kind == SnapshotKind.SESSION
    assert snapshot.created_by == members["editor"]
    assert snapshot.name.startswith("Session ending ")
    assert "Made in the workshop" in {c["text"] for c in snapshot.state["cards"]}
    # Nothing changed since: no second one.
    assert snapshot_after_session(board_id=board.pk) is None


def test_automatic_versions_are_pruned_named_ones_kept(board, members, settings):
    settings.SNAPSHOT_AUTO_KEEP = 2
    snapshot_create(board=board, name="Named", actor=members["owner"])
    for index in range(4):
        _edit(board, members["editor"], _card_op(board, f"Card {index}"))
        _quiet(board)
        snapshot_after_session(board_id=board.pk)

    kinds = list(Snapshot.objects.filter(board=board).values_list("kind", flat=True))

    assert kinds.count(SnapshotKind.SESSION) == 2
    assert kinds.count(SnapshotKind.MANUAL) == 1


@pytest.mark.django_db(transaction=True)
async def test_the_first_visit_after_a_quiet_spell_keeps_the_session(board, members):
    from asgiref.sync import sync_to_async

    await sync_to_async(lambda: _edit(board, members["editor"], _card_op(board, "Made live")))()
    await sync_to_async(_quiet)(board)

    communicator, _welcome, _reply = await join(members["viewer"], board)
    await communicator.disconnect()

    snapshot = await sync_to_async(Snapshot.objects.get)(board=board)
    assert snapshot.kind == SnapshotKind.SESSION
    assert "Made live" in {c["text"] for c in snapshot.state["cards"]}


def test_the_command_keeps_versions_of_quiet_boards(board, members):
    from io import StringIO

    from django.core.management import call_command

    _edit(board, members["editor"], _card_op(board, "Unsaved work"))
    _quiet(board)
    out = StringIO()

    call_command("snapshot_sessions", stdout=out)
    call_command("snapshot_sessions", stdout=out)

    assert Snapshot.objects.filter(board=board, kind=SnapshotKind.SESSION).count() == 1
    assert "1 version(s) saved." in out.getvalue()
