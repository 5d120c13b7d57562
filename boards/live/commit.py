"""Apply a batch of protocol ops to a board: the one write path of live editing.

`commit_ops` runs in one transaction that locks the board row: it refuses a role that may
not edit (a member's membership role; a workshop guest's link's role, boards.guests),
answers a re-sent op_id with its original revision, applies every op (all or nothing),
bumps `board.rev` and appends the batch to the op log. `commit_requests` does the same
for several frames in one transaction (a group commit, see boards.live.room), each its
own revision. It returns the ops as applied, with their consequences spelled out (the
arrows and links of a deleted card, the links a kind change no longer allows, the cards
of a deleted phase), which is what clients replay. Broadcasting is the caller's job,
after this returns (and so after the commit).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from boards.live import metrics, sql
from boards.live.batch import _Batch, _named
from boards.live.protocol import ProtocolError
from boards.live.senders import guest_link_roles, sessions_signed_in
from boards.models import Arrow, Board, Card, CardLink, OpLog, Phase
from boards.private import for_viewer
from journeymap.access import Can, role_allows
from journeymap.models import Membership, User

BOARD_FIELDS = sql.attnames(Board)
# Ops a guest of a workshop link may not send, whatever the link's role (boards.guests).
GUEST_FIXED = ("board.", "phase.")

logger = logging.getLogger(__name__)

# What the database raises when it is unreachable or went away: no frame is at fault, and
# each is answered with a close after which the client re-sends (docs/protocol.md, 4011).
OUTAGE = (OperationalError, InterfaceError)


class BoardGone(Exception):
    """The board was deleted, or the person is no longer a member of its organisation."""


class SignedOut(Exception):
    """The session that opened the socket no longer signs its person in: logged out,
    password changed elsewhere, or the account deactivated (journeymap.access.is_signed_in).
    """


@dataclass
class Commit:
    rev: int
    epoch: int
    op_id: str
    by: int | None
    ops: list[dict]
    duplicate: bool = False

    def patch(self, user_id: int | None = None) -> dict:
        """The patch as `user_id` is shown it (None: anyone with no private card in it):
        in a private writing round, without the ops of others' private cards, but with its
        revision all the same (boards/private.py)."""
        return {
            "type": "patch",
            "rev": self.rev,
            "epoch": self.epoch,
            "op_id": self.op_id,
            "by": self.by,
            "ops": for_viewer(self.ops, user_id),
        }


@dataclass
class OpRequest:
    """One op frame to commit: who sent it, its op_id, its ops (shape-checked already),
    and for a socket the key of the session that signed its sender in, checked again in
    the commit (without one, as for an HTTP request, the caller has checked it); and the
    language its refusal is written in (None: the one active), since one group commit
    answers the frames of several sockets, each in its own person's language."""

    user: object
    op_id: str
    ops: list[dict]
    session_key: str | None = None
    language: str | None = None
    # A guest's (boards.guests): the workshop link they joined through, whose role, read in
    # the commit, is theirs. None: a member, judged by their membership.
    link_id: object = None


Outcome = Commit | ProtocolError | BoardGone | SignedOut | DatabaseError


def commit_ops(*, board_id, user, op_id: str, ops: list[dict]) -> Commit:
    """Apply `ops` (already shape-checked by boards.live.protocol) as one revision. Raises
    ProtocolError (refused, nothing changed) or BoardGone."""
    [outcome] = commit_requests(board_id=board_id, requests=[OpRequest(user, op_id, ops)])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


@metrics.COMMIT_SECONDS.time()
def commit_requests(*, board_id, requests: list[OpRequest]) -> list[Outcome]:
    """Commit several op frames for one board in one transaction (a group commit), each as
    its own revision in the order given, as if they had come one after the other: one
    frame's refusal changes nothing of it and does not stop the others. Returns one
    outcome per request, in order.

    One transaction for many frames shares the lock, the board row's update, the op-log
    insert and the commit among them: that is what lets one process commit hundreds of
    ops a second on one board (docs/performance.md).

    A frame that makes the transaction fail for any other reason than an outage (a write
    the database refuses although the checks let it through, text it cannot encode, a
    bug) must not take the others with it: the group is rolled back and each frame
    committed on its own, and the one at fault is refused alone with `invalid`. An outage
    (OUTAGE) fails every frame alike: each outcome is then the error itself, which the
    socket answers with a close its client recovers from by re-sending."""
    try:
        with transaction.atomic():
            return _commit_group(board_id, requests)
    except OUTAGE as error:
        logger.warning("Committing ops on board %s failed: %s", board_id, error)
        return [error] * len(requests)
    except Exception:
        if len(requests) == 1:
            logger.exception("An op frame on board %s could not be committed", board_id)
            return [
                ProtocolError(
                    "invalid", _("The server could not store this change."), requests[0].op_id
                )
            ]
    outcomes: list[Outcome] = []
    for request in requests:
        outcomes += commit_requests(board_id=board_id, requests=[request])
    return outcomes


def _commit_group(board_id, requests: list[OpRequest]) -> list[Outcome]:
    # The fixed statements of every commit go through boards.live.sql: plain SQL, since the
    # ORM's building of them cost twice what the database took to run them.
    named = [_named(request.ops) for request in requests]
    rows = [
        sql.Select(model, sql.attnames(model), id=ids)
        for model, ids in (
            (Card, set().union(*(n.cards for n in named))),
            (Arrow, set().union(*(n.arrows for n in named))),
            (CardLink, set().union(*(n.links for n in named))),
        )
        if ids
    ]
    # The board's lock, then everything the frames need, in one round trip. Each read is
    # a statement of its own after the locking one, so it sees what was committed before
    # the lock was granted (a subquery of the locking SELECT would read PostgreSQL's
    # snapshot from before the wait for it, and miss a role changed, or the same op_id
    # committed, meanwhile by another process). The authors' memberships of every
    # organisation are read, since the board's is known only once the lock is held. So are
    # the senders' accounts and sessions, in the same round trip: a socket outlives a
    # logout, a password change and a deactivation, and its next op must find out.
    # (Frames without a session key, from HTTP, read neither: both selects are then empty,
    # and an empty select is not sent.)
    senders = [request for request in requests if request.session_key]
    # The phases, when any frame needs them (every op on content does: the lock of its
    # phase, boards.live.batch_lock), in the same round trip.
    phase_rows = (
        [sql.Select(Phase, sql.attnames(Phase), board_id=board_id)]
        if any(n.phases for n in named)
        else []
    )
    boards, memberships, logged_entries, users, session_rows, *found = sql.fetch_together(
        [
            sql.Select(Board, BOARD_FIELDS, lock=True, id=board_id),
            sql.Select(
                Membership,
                ("organisation_id", "user_id", "role"),
                user_id={request.user.pk for request in requests},
            ),
            sql.Select(
                OpLog,
                ("op_id", "rev", "user_id", "ops"),
                board_id=board_id,
                op_id={request.op_id for request in requests},
            ),
            sql.Select(User, ("id", "is_active", "password"), id={r.user.pk for r in senders}),
            sql.Select(
                Session,
                ("session_key", "session_data", "expire_date"),
                session_key={r.session_key for r in senders},
            ),
            *rows,
            *phase_rows,
        ]
    )
    phases_found = found.pop() if phase_rows else None
    if not boards:
        return [BoardGone() for _request in requests]
    [board] = boards
    roles = {m.user_id: m.role for m in memberships if m.organisation_id == board.organisation_id}
    guest_roles = guest_link_roles(board, requests)
    logged = {str(entry.op_id): entry for entry in logged_entries}
    signed_in = sessions_signed_in(requests, users, session_rows)
    work = _Group(board)
    for select, objs in zip(rows, found, strict=True):
        work.rows[select.model].update((str(obj.pk), obj) for obj in objs)
    if phases_found is not None:
        work.phases = sorted(phases_found, key=lambda phase: (phase.position, str(phase.id)))
    first_rev = board.rev
    outcomes: list[Outcome] = []
    entries: list[OpLog] = []
    done: dict[str, Commit] = {}  # op_id -> its commit in this group
    board_fields: set[str] = set()
    for request, still_signed_in in zip(requests, signed_in, strict=True):
        if not still_signed_in:
            outcomes.append(SignedOut())
            continue
        with _speaking(request.language):
            if request.link_id:
                role = guest_roles.get(request.link_id)
            else:
                role = roles.get(request.user.pk)
            outcome = _commit_one(work, request, role, logged, done, board_fields)
        outcomes.append(outcome)
        if isinstance(outcome, Commit) and not outcome.duplicate:
            done[request.op_id] = outcome
            entries.append(
                OpLog(
                    board=board,
                    rev=outcome.rev,
                    op_id=request.op_id,
                    user_id=request.user.pk,
                    ops=outcome.ops,
                )
            )
    if entries:
        transaction.on_commit(lambda: metrics.OPS_COMMITTED.inc(len(entries)))
        board.updated = timezone.now()
        board.updated_by_id = entries[-1].user_id
        for entry in entries:
            entry.created = board.updated
        with sql.pipeline(Board):
            work.write()
            sql.update(Board, {board: {"rev", "updated", "updated_by", *board_fields}})
            sql.insert(OpLog, entries, ("board_id", "rev", "op_id", "user_id", "ops", "created"))
        retention = settings.OPLOG_RETENTION
        if board.rev // 100 > first_rev // 100 and board.rev > retention:
            OpLog.objects.filter(board=board, rev__lte=board.rev - retention).delete()
    return outcomes


def _speaking(language: str | None) -> contextlib.AbstractContextManager:
    return translation.override(language) if language else contextlib.nullcontext()


def _commit_one(
    work: _Group,
    request: OpRequest,
    role: str | None,
    logged: dict[str, OpLog],
    done: dict[str, Commit],
    board_fields: set[str],
) -> Outcome:
    board = work.board
    if role is None:
        return BoardGone()
    op_id = request.op_id
    if op_id in done:
        return replace(done[op_id], duplicate=True)
    entry = logged.get(op_id)
    if entry is not None:
        # A re-sent op: answer as the first time, apply nothing.
        return Commit(entry.rev, board.epoch, op_id, entry.user_id, entry.ops, duplicate=True)
    if not role_allows(role, Can.EDIT_BOARD):
        return ProtocolError(
            "forbidden", _("Your role lets you view this board, not change it."), op_id
        )
    if request.link_id and any(op["op"].startswith(GUEST_FIXED) for op in request.ops):
        # A workshop guest edits the content; the board's frame is the organisation's.
        return ProtocolError(
            "forbidden",
            _("Guests change cards, arrows and links; the board's title and phases stay as set."),
            op_id,
        )
    batch = _Batch(board, request.user, role)
    batch.start_from(work)
    try:
        applied = batch.apply(request.ops)
    except ProtocolError as error:
        error.op_id = op_id
        return error  # its changes were made to its own copies: nothing to undo
    work.merge(batch)
    board_fields.update(batch.board_changes)
    board.rev += 1
    return Commit(board.rev, board.epoch, op_id, request.user.pk, applied)


class _Group:
    """The unit of work of one group commit: the rows its accepted frames loaded or left
    behind (the latest version of each), and what to write, once, at the end.

    Everything not held here is as the database has it, since only accepted frames change
    anything and everything they touched is held. So the frames of a group read one query
    per model for all of them (_commit_group) and write one set of statements together,
    instead of a round trip or two each (docs/performance.md)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.rows: dict[type, dict[str, object]] = {Card: {}, Arrow: {}, CardLink: {}, Phase: {}}
        self.phases: list[Phase] | None = None  # the board's phases, in order, once loaded
        self.created: dict[tuple[type, str], None] = {}  # in creation order
        self.dirty: dict[tuple[type, str], set[str]] = {}
        self.deleted_phases: set[str] = set()
        self.stored_cards: int | None = None  # live cards as stored, once a frame asked
        self.card_delta = 0  # live cards made, restored (+) and deleted (-) by the group

    def merge(self, batch: _Batch) -> None:
        """Take an accepted frame's objects as the latest, and what it changed."""
        for model, held in ((Card, batch.cards), (Arrow, batch.arrows), (CardLink, batch.links)):
            self.rows[model].update(held.own)
        phases = self.rows[Phase]
        if batch.phases is not None:
            self.phases = batch.phases
            phases.update((str(phase.pk), phase) for phase in batch.phases)
        for phase in batch.deleted_phases:
            phases[str(phase.pk)] = phase
            self.deleted_phases.add(str(phase.pk))
        for obj in batch.new:
            self.created[(type(obj), str(obj.pk))] = None
        for obj, names in batch.dirty.items():
            key = (type(obj), str(obj.pk))
            if key not in self.created:  # a row made in this group is inserted as it ends
                self.dirty.setdefault(key, set()).update(names)
        for name, value in batch.board_changes.items():
            setattr(self.board, name, value)  # saved with the revision by the caller
        self.stored_cards = batch.stored_cards
        self.card_delta += batch.card_delta

    def _rows(self, keys, model) -> list:
        return [self.rows[model][ident] for kind, ident in keys if kind is model]

    def write(self) -> None:
        """Creations in dependency order, then the updates, model by model."""
        for model in (Phase, Card, Arrow):
            created = self._rows(self.created, model)
            if created:
                model.objects.bulk_create(created)
        for model in (Phase, Card, Arrow):
            changed = {
                self.rows[model][ident]: names
                for (kind, ident), names in self.dirty.items()
                if kind is model
            }
            if changed:
                sql.update(model, changed)
        # Links last, and unlinking before relinking: the unique constraint on a live pair
        # is checked row by row, so a group that deletes a link and makes (or restores)
        # one for the same pair must write the delete first.
        changed_links = self._rows(self.dirty, CardLink)
        for deleted in (True, False):
            rows = [link for link in changed_links if link.deleted is deleted]
            if rows:
                sql.update(CardLink, {link: {"deleted"} for link in rows})
        created_links = self._rows(self.created, CardLink)
        if created_links:
            CardLink.objects.bulk_create(created_links)
        if self.deleted_phases:
            phases = sorted(self.deleted_phases)
            Card.objects.filter(phase__in=phases, deleted=True).update(phase=None)
            Phase.objects.filter(id__in=phases).delete()
