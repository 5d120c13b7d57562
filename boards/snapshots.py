"""Versions of a board: save a snapshot, compare one with the board, restore one.

A snapshot freezes `boards.selectors.board_state` at one revision, so everything that
reads a board (the gap analysis, exports, the outline) reads a snapshot the same way.

A restore rewrites the board's history rather than appending to it: the board's rows are
replaced by the snapshot's, its `epoch` goes up, and every open page, seeing a patch of
a new epoch, asks for a fresh snapshot (docs/protocol.md, "Client algorithm"). That is
how a restore reaches everyone on the board live, in one revision, without spelling out
hundreds of ops. The board as it was just before is kept as a snapshot of its own, so a
restore can itself be undone by restoring that one.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from boards.content import write_content
from boards.gaps import gaps_from_state
from boards.kpis import kpi_changes
from boards.live import room
from boards.live.commit import Commit
from boards.models import Board, Card, CardKind, OpLog, Snapshot, SnapshotKind
from boards.schema import CARD
from boards.selectors import board_state
from boards.workshop.vote_models import Dot
from journeymap import audit
from journeymap.locale import organisation_locale
from journeymap.models import AuditAction, User

AUTOMATIC = [SnapshotKind.SESSION, SnapshotKind.BEFORE_RESTORE]
# What makes a card "changed" in a comparison: all but where it stands (a move to another
# phase is reported as such; a nudge within one is not news).
CHANGE_FIELDS = [name for name in CARD.names if name not in ("phase", "x", "y", "w", "h")]


def _freeze(board: Board, *, name: str, kind: str, actor: User | None) -> Snapshot:
    state = board_state(board)
    snapshot = Snapshot(
        board=board,
        name=name.strip(),
        kind=kind,
        rev=board.rev,
        epoch=board.epoch,
        created_by=actor,
        card_count=len(state["cards"]),
        arrow_count=len(state["arrows"]),
        state=state,
    )
    snapshot.full_clean(exclude=["board", "created_by"])
    snapshot.save()
    if kind != SnapshotKind.MANUAL:
        _prune(board)
    return snapshot


def _prune(board: Board) -> None:
    """Keep the newest SNAPSHOT_AUTO_KEEP automatic snapshots of a board; named ones stay
    until someone deletes them."""
    keep = settings.SNAPSHOT_AUTO_KEEP
    stale = (
        Snapshot.objects.filter(board=board, kind__in=AUTOMATIC)
        .order_by("-created", "-rev")
        .values_list("id", flat=True)[keep:]
    )
    Snapshot.objects.filter(id__in=list(stale)).delete()


def snapshot_create(*, board: Board, name: str, actor: User) -> Snapshot:
    """A named version of the board as it is now."""
    with transaction.atomic():
        # Under the board's lock, so the frozen rows are exactly the board at its rev.
        locked = Board.objects.select_for_update().get(pk=board.pk)
        return _freeze(locked, name=name, kind=SnapshotKind.MANUAL, actor=actor)


def snapshot_after_session(*, board_id, updated: datetime | None = None) -> Snapshot | None:
    """An automatic version of a board whose last session has ended: it was changed since
    its newest version and has been quiet for SNAPSHOT_SESSION_IDLE seconds since. Called
    when someone opens the board (the first visit after a workshop keeps the workshop's
    result) and by `manage.py snapshot_sessions` for boards nobody opens again. Cheap
    when nothing is due: `updated` (when the caller has it) answers most calls without a
    query."""
    idle = timedelta(seconds=settings.SNAPSHOT_SESSION_IDLE)
    cutoff = timezone.now() - idle
    if updated is not None and updated > cutoff:
        return None  # still in session (or the last session is too recent to tell)
    with transaction.atomic():
        board = Board.objects.select_for_update().filter(pk=board_id).first()
        if board is None or board.rev == 0 or board.updated > cutoff:
            return None
        newest = Snapshot.objects.filter(board=board).order_by("-created").first()
        if newest is not None and (newest.epoch, newest.rev) >= (board.epoch, board.rev):
            return None
        # Named for everyone in the organisation, by a job nobody watches: in the
        # organisation's language and by its clock.
        with organisation_locale(board.organisation):
            when = date_format(timezone.localtime(board.updated), "DATETIME_FORMAT")
            name = _("Session ending %(when)s") % {"when": when}
        return _freeze(board, name=name, kind=SnapshotKind.SESSION, actor=board.updated_by)


class RestoreRefused(Exception):
    """A restore that would lose someone's work; its message says why and what to do."""


def restore_refusal(board: Board) -> str | None:
    """Why a restore of `board` would be refused now (shown on the version page before
    anyone tries), or None."""
    if board.private_since is not None:
        return _(
            "A private writing round is running. Reveal it first: the cards people "
            "are writing in private are in no version and would be lost."
        )
    return None


def snapshot_restore(*, snapshot: Snapshot, actor: User) -> Board:
    """Put `snapshot` in place of the live board, for everyone on it, keeping the board as
    it was just before as a snapshot of its own.

    Refused (RestoreRefused, nothing changed) while a private writing round runs: the
    participants' private cards are in no version, so a restore would lose them. The
    dots of the board's votes stay on the cards the restored version holds (the same
    ids), so a vote's record survives a restore; a card the version lacks takes its dots
    with it, as a deleted card does."""
    with transaction.atomic():
        board = Board.objects.select_for_update().get(pk=snapshot.board_id)
        refusal = restore_refusal(board)
        if refusal is not None:
            raise RestoreRefused(refusal)
        dots = list(Dot.objects.filter(vote__board=board).values("vote", "user", "card", "count"))
        with organisation_locale(board.organisation):
            name = _("Before restoring “%(name)s”") % {"name": snapshot.name}
        _freeze(
            board,
            name=name,
            kind=SnapshotKind.BEFORE_RESTORE,
            actor=actor,
        )
        # Its ids kept, so a version restored twice is the same board.
        write_content(board=board, content=snapshot.state, keep_ids=True, by=None)
        _put_back(board, dots)
        board.title = snapshot.state["board"]["title"]
        board.epoch += 1
        board.rev += 1
        board.updated_by = actor
        board.updated = timezone.now()
        board.save(update_fields=["title", "epoch", "rev", "updated", "updated_by"])
        op = {"op": "board.restore", "snapshot": str(snapshot.pk), "name": snapshot.name}
        op_id = uuid.uuid4()
        OpLog.objects.create(board=board, rev=board.rev, op_id=op_id, user=actor, ops=[op])
        # Pages see a patch of a new epoch and fetch the whole board (its ops are not
        # meant to be applied: the board was replaced, not edited).
        commit = Commit(board.rev, board.epoch, str(op_id), actor.pk, [])
        audit.record(
            organisation=board.organisation_id,
            action=AuditAction.BOARD_RESTORED,
            subject=board.title,
            details={"board": str(board.pk), "version": snapshot.name},
            actor=actor,
        )
        transaction.on_commit(lambda: room.publish(board.pk, [commit]))
    return board


def _put_back(board: Board, dots: list[dict]) -> None:
    """The dots taken from the board's cards by a restore, back on those of its cards
    that are on the board again."""
    if not dots:
        return
    ids = {dot["card"] for dot in dots}
    there = set(Card.objects.filter(board=board, id__in=ids).values_list("id", flat=True))
    Dot.objects.bulk_create(
        Dot(vote_id=dot["vote"], user_id=dot["user"], card_id=dot["card"], count=dot["count"])
        for dot in dots
        if dot["card"] in there
    )


# Comparing


def _phase_names(state: dict) -> dict:
    return {phase["id"]: phase["name"] for phase in state["phases"]}


def _label(card: dict) -> str:
    return card["text"].strip() or _("(empty card)")


def compare_states(old: dict, new: dict) -> dict:
    """What changed from `old` to `new` (two board states): cards added, removed, moved to
    another phase and changed; arrows and links added and removed; gaps closed and
    opened (touchpoints that gained or lost the activity behind them); KPIs changed."""
    old_cards = {c["id"]: c for c in old["cards"]}
    new_cards = {c["id"]: c for c in new["cards"]}
    old_phases, new_phases = _phase_names(old), _phase_names(new)
    outside = _("Outside the line")

    def phase_of(card: dict, names: dict) -> str:
        return names.get(card["phase"], outside) if card["phase"] else outside

    moved, changed = [], []
    for ident in old_cards.keys() & new_cards.keys():
        before, after = old_cards[ident], new_cards[ident]
        if phase_of(before, old_phases) != phase_of(after, new_phases):
            moved.append(
                {
                    "text": _label(after),
                    "kind": after["kind"],
                    "from": phase_of(before, old_phases),
                    "to": phase_of(after, new_phases),
                }
            )
        fields = [name for name in CHANGE_FIELDS if before.get(name) != after.get(name)]
        if fields:
            changed.append(
                {
                    "text": _label(after),
                    "was": _label(before),
                    "kind": after["kind"],
                    "fields": fields,
                }
            )

    def arrows(state: dict) -> dict:
        cards = {c["id"]: c for c in state["cards"]}
        return {
            a["id"]: f"{_label(cards[a['from']])} → {_label(cards[a['to']])}"
            for a in state["arrows"]
            if a["from"] in cards and a["to"] in cards
        }

    def links(state: dict) -> dict:
        cards = {c["id"]: c for c in state["cards"]}
        return {
            (
                link["from"],
                link["to"],
            ): f"{_label(cards[link['from']])} → {_label(cards[link['to']])}"
            for link in state.get("links", [])
            if link["from"] in cards and link["to"] in cards
        }

    old_arrows, new_arrows = arrows(old), arrows(new)
    old_links, new_links = links(old), links(new)
    old_gaps = set(gaps_from_state(old)["uncovered_ids"])
    new_gaps = set(gaps_from_state(new)["uncovered_ids"])
    by_text = lambda ids, cards: sorted(_label(cards[i]) for i in ids)  # noqa: E731
    result = {
        "added": sorted(
            (
                {"text": _label(c), "kind": c["kind"], "kind_label": CardKind(c["kind"]).label}
                for i, c in new_cards.items()
                if i not in old_cards
            ),
            key=lambda c: c["text"],
        ),
        "removed": sorted(
            (
                {"text": _label(c), "kind": c["kind"], "kind_label": CardKind(c["kind"]).label}
                for i, c in old_cards.items()
                if i not in new_cards
            ),
            key=lambda c: c["text"],
        ),
        "moved": sorted(moved, key=lambda c: c["text"]),
        "changed": sorted(changed, key=lambda c: c["text"]),
        "arrows_added": sorted(v for k, v in new_arrows.items() if k not in old_arrows),
        "arrows_removed": sorted(v for k, v in old_arrows.items() if k not in new_arrows),
        "links_added": sorted(v for k, v in new_links.items() if k not in old_links),
        "links_removed": sorted(v for k, v in old_links.items() if k not in new_links),
        # A gap closed: uncovered before, and now covered (still on the board).
        "gaps_closed": by_text((old_gaps - new_gaps) & new_cards.keys(), new_cards),
        "gaps_opened": by_text(new_gaps - old_gaps, new_cards),
        # KPIs added, removed, or with other figures or new readings (boards/kpis.py).
        "kpis": kpi_changes(old, new),
    }
    result["same"] = not any(result.values())
    return result


def state_columns(state: dict) -> list[dict]:
    """A board state as phase columns of cards (cards outside every phase last), for
    showing a snapshot the way the outline shows the live board."""
    phases = sorted(state["phases"], key=lambda p: p["position"])
    by_phase: dict = {p["id"]: [] for p in phases}
    loose: list[dict] = []
    for card in sorted(state["cards"], key=lambda c: (c["y"], c["x"], c["id"])):
        by_phase.get(card["phase"], loose).append(card)
    columns = [{"phase": p, "cards": by_phase[p["id"]]} for p in phases]
    if loose:
        columns.append({"phase": None, "cards": loose})
    return columns
