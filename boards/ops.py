"""Apply a batch of protocol ops to a board: the one write path of live editing.

`commit_ops` runs in one transaction that locks the board row: it refuses a role that may
not edit, answers a re-sent op_id with its original revision, applies every op (all or
nothing), bumps `board.rev` and appends the batch to the op log. `commit_requests` does the
same for several frames in one transaction (a group commit, see boards.committer), each
its own revision. It returns the ops as
applied, with their consequences spelled out (the arrows and links of a deleted card, the
links a kind change no longer allows, the cards of a deleted phase), which is what clients
replay. Broadcasting is the caller's job, after this returns (and so after the commit).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import sql
from boards.frameworks import PHASE_COLOURS
from boards.models import (
    LINK_SOURCE_KINDS,
    LINK_TARGET_KINDS,
    MAX_PHASES,
    MIN_PHASES,
    Arrow,
    Board,
    Card,
    CardLink,
    OpLog,
    Phase,
)
from boards.protocol import ProtocolError
from boards.selectors import arrow_state, card_state, link_state
from journeymap.access import Can, role_allows
from journeymap.models import Membership

BOARD_FIELDS = sql.attnames(Board)
CARD_ATTRS = ("kind", "x", "y", "w", "h", "text", "colour", "channel", "priority", "kpi")


class BoardGone(Exception):
    """The board was deleted, or the person is no longer a member of its organisation."""


@dataclass
class Commit:
    rev: int
    epoch: int
    op_id: str
    by: int | None
    ops: list[dict]
    duplicate: bool = False

    def patch(self) -> dict:
        return {
            "type": "patch",
            "rev": self.rev,
            "epoch": self.epoch,
            "op_id": self.op_id,
            "by": self.by,
            "ops": self.ops,
        }


@dataclass
class OpRequest:
    """One op frame to commit: who sent it, its op_id, its ops (shape-checked already)."""

    user: object
    op_id: str
    ops: list[dict]


Outcome = Commit | ProtocolError | BoardGone | DatabaseError


def commit_ops(*, board_id, user, op_id: str, ops: list[dict]) -> Commit:
    """Apply `ops` (already shape-checked by boards.protocol) as one revision. Raises
    ProtocolError (refused, nothing changed) or BoardGone."""
    [outcome] = commit_requests(board_id=board_id, requests=[OpRequest(user, op_id, ops)])
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def commit_requests(*, board_id, requests: list[OpRequest]) -> list[Outcome]:
    """Commit several op frames for one board in one transaction (a group commit), each as
    its own revision in the order given, as if they had come one after the other: one
    frame's refusal changes nothing of it and does not stop the others. Returns one
    outcome per request, in order.

    One transaction for many frames shares the lock, the board row's update, the op-log
    insert and the commit among them: that is what lets one process commit hundreds of
    ops a second on one board (docs/performance.md). Should the database refuse a write
    that the checks let through (it has not happened; the checks mirror the constraints),
    the group is rolled back and each frame committed on its own, so that only the frame
    at fault fails."""
    try:
        with transaction.atomic():
            return _commit_group(board_id, requests)
    except DatabaseError:
        if len(requests) == 1:
            raise
    outcomes: list[Outcome] = []
    for request in requests:
        try:
            outcomes += commit_requests(board_id=board_id, requests=[request])
        except DatabaseError as error:
            outcomes.append(error)
    return outcomes


def _commit_group(board_id, requests: list[OpRequest]) -> list[Outcome]:
    # The fixed statements of every commit go through boards.sql: plain SQL, since the
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
    # organisation are read, since the board's is known only once the lock is held.
    boards, memberships, logged_entries, *found = sql.fetch_together(
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
            *rows,
        ]
    )
    if not boards:
        return [BoardGone() for _request in requests]
    [board] = boards
    roles = {m.user_id: m.role for m in memberships if m.organisation_id == board.organisation_id}
    logged = {str(entry.op_id): entry for entry in logged_entries}
    work = _Group(board)
    for select, objs in zip(rows, found, strict=True):
        work.rows[select.model].update((str(obj.pk), obj) for obj in objs)
    if any(n.phases for n in named):
        work.phases = list(Phase.objects.filter(board=board).order_by("position", "id"))
    first_rev = board.rev
    outcomes: list[Outcome] = []
    entries: list[OpLog] = []
    done: dict[str, Commit] = {}  # op_id -> its commit in this group
    board_fields: set[str] = set()
    for request in requests:
        outcome = _commit_one(work, request, roles, logged, done, board_fields)
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


def _commit_one(
    work: _Group,
    request: OpRequest,
    roles: dict[int, str],
    logged: dict[str, OpLog],
    done: dict[str, Commit],
    board_fields: set[str],
) -> Outcome:
    board = work.board
    role = roles.get(request.user.pk)
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


def _link_fits(link: CardLink, card_id, kind: str) -> bool:
    """Whether `link` still fits once card `card_id` (one of its ends) is of `kind`."""
    if link.source_id == card_id:
        return kind in LINK_SOURCE_KINDS
    return kind in LINK_TARGET_KINDS


def _not_found(what: str, ident: str) -> ProtocolError:
    return ProtocolError(
        "not_found", _("There is no %(what)s %(id)s on this board.") % {"what": what, "id": ident}
    )


@dataclass
class _Batch:
    board: Board
    user: object
    role: str  # the author's role: some ops ask for more than editing rights
    cards: _Held = field(default_factory=lambda: _Held())
    arrows: _Held = field(default_factory=lambda: _Held())
    links: _Held = field(default_factory=lambda: _Held())
    phases: list[Phase] | None = None
    new: list = field(default_factory=list)  # created objects, in creation order
    dirty: dict = field(default_factory=dict)  # object -> set of changed field names
    deleted_phases: list[Phase] = field(default_factory=list)
    members: set[int] = field(default_factory=set)  # user ids the batch may name as owner
    board_changes: dict = field(default_factory=dict)  # board field -> value, set on write
    out: list[dict] = field(default_factory=list)

    # Loading: one query per kind of object the batch names.

    def start_from(self, work: _Group) -> None:
        """Begin from what the group's earlier frames left, so that this frame sees their
        effects; it reads copies (_Held), so that a refusal of this frame undoes nothing
        of theirs."""
        self.cards = _Held(work.rows[Card])
        self.arrows = _Held(work.rows[Arrow])
        self.links = _Held(work.rows[CardLink])
        if work.phases is not None:
            self.phases = [_copy(phase) for phase in work.phases]

    def _load(self, ops: list[dict]) -> None:
        named = _named(ops)
        for ids, model, held in (
            (named.cards, Card, self.cards),
            (named.arrows, Arrow, self.arrows),
            (named.links, CardLink, self.links),
        ):
            missing = ids - held.keys()
            if missing:
                held.update((str(obj.id), obj) for obj in model.objects.filter(id__in=missing))
        if named.phases:
            self._phases()
        if named.owners:
            self.members = set(
                Membership.objects.filter(
                    organisation_id=self.board.organisation_id, user_id__in=named.owners
                ).values_list("user_id", flat=True)
            )

    def _owner(self, user_id: int | None) -> int | None:
        if user_id is not None and user_id not in self.members:
            raise ProtocolError(
                "invalid",
                _("The owner must be a member of this board's organisation."),
            )
        return user_id

    def _phases(self) -> list[Phase]:
        if self.phases is None:
            self.phases = list(Phase.objects.filter(board=self.board).order_by("position", "id"))
        return self.phases

    def _card(self, ident: str, *, alive: bool = True) -> Card:
        card = self.cards.get(ident)
        if card is None or card.board_id != self.board.pk:
            raise _not_found(_("card"), ident)
        if alive and card.deleted:
            raise ProtocolError("deleted", _("That card was deleted by someone else."))
        return card

    def _arrow(self, ident: str, *, alive: bool = True) -> Arrow:
        arrow = self.arrows.get(ident)
        if arrow is None or arrow.board_id != self.board.pk:
            raise _not_found(_("arrow"), ident)
        if alive and arrow.deleted:
            raise ProtocolError("deleted", _("That arrow was deleted by someone else."))
        return arrow

    def _link(self, ident: str, *, alive: bool = True) -> CardLink:
        link = self.links.get(ident)
        if link is None or link.board_id != self.board.pk:
            raise _not_found(_("link"), ident)
        if alive and link.deleted:
            raise ProtocolError("deleted", _("That link was deleted by someone else."))
        return link

    def _phase(self, ident: str) -> Phase:
        for phase in self._phases():
            if str(phase.id) == ident:
                return phase
        raise _not_found(_("phase"), ident)

    def _touch(self, obj, *names: str) -> None:
        if obj not in self.new:
            self.dirty.setdefault(obj, set()).update(names)

    # Applying.

    def apply(self, ops: list[dict]) -> list[dict]:
        self._load(ops)
        for op in ops:
            getattr(self, "_" + op["op"].replace(".", "_"))(op)
        return self.out

    def _card_create(self, op: dict) -> None:
        if op["id"] in self.cards:
            raise ProtocolError("exists", _("A card with this id exists already."))
        phase = self._phase(op["phase"]) if op["phase"] else None
        card = Card(
            id=uuid.UUID(op["id"]),
            board=self.board,
            kind=op["kind"],
            phase=phase,
            owner_id=self._owner(op["owner"]),
            author_id=self.user.pk,
            **{k: op[k] for k in CARD_ATTRS if k != "kind"},
        )
        self.cards[op["id"]] = card
        self.new.append(card)
        self.out.append(op)

    def _card_update(self, op: dict) -> None:
        card = self._card(op["id"])
        if "kind" in op and op["kind"] != card.kind:
            # The links the new kind no longer allows go in the same revision, before the
            # update in the patch, as a deleted card's arrows do.
            for link in self._links_of(card):
                if not _link_fits(link, card.id, op["kind"]):
                    self._link_delete({"op": "link.delete", "id": str(link.id)})
        changed = [k for k in CARD_ATTRS if k in op]
        for name in changed:
            setattr(card, name, op[name])
        if "phase" in op:
            card.phase = self._phase(op["phase"]) if op["phase"] else None
            changed.append("phase")
        if "owner" in op:
            card.owner_id = self._owner(op["owner"])
            changed.append("owner")
        self._touch(card, *changed)
        self.out.append(op)

    def _card_delete(self, op: dict) -> None:
        card = self._card(op["id"], alive=False)
        if not card.deleted:
            for arrow in self._arrows_of(card):
                self._arrow_delete({"op": "arrow.delete", "id": str(arrow.id)})
            for link in self._links_of(card):
                self._link_delete({"op": "link.delete", "id": str(link.id)})
            card.deleted = True
            self._touch(card, "deleted")
        self.out.append(op)

    def _arrows_of(self, card: Card) -> list[Arrow]:
        in_batch = [
            a
            for a in self.arrows.values()
            if not a.deleted and card.id in (a.from_card_id, a.to_card_id)
        ]
        # Arrows the batch holds already are as the batch left them (maybe deleted or
        # re-attached): the stored row is stale for them.
        stored = (
            Arrow.objects.filter(board=self.board, deleted=False)
            .filter(Q(from_card_id=card.id) | Q(to_card_id=card.id))
            .exclude(id__in=self.arrows.keys())
        )
        for arrow in stored:
            self.arrows[str(arrow.id)] = arrow
        # In id order: the patch lists them so, however the group commit held them.
        return sorted([*in_batch, *stored], key=lambda arrow: arrow.id)

    def _links_of(self, card: Card) -> list[CardLink]:
        """The card's live links, as the batch has left them (see _arrows_of)."""
        in_batch = [
            k
            for k in self.links.values()
            if not k.deleted and card.id in (k.source_id, k.target_id)
        ]
        stored = (
            CardLink.objects.filter(board=self.board, deleted=False)
            .filter(Q(source_id=card.id) | Q(target_id=card.id))
            .exclude(id__in=self.links.keys())
        )
        for link in stored:
            self.links[str(link.id)] = link
        return sorted([*in_batch, *stored], key=lambda link: link.id)

    def _card_restore(self, op: dict) -> None:
        card = self._card(op["id"], alive=False)
        if card.deleted:
            card.deleted = False
            self._touch(card, "deleted")
        # The whole card travels with the patch: a page that loaded the board after the
        # delete has never seen it.
        self.out.append({**op, "card": card_state(card)})

    def _check_ends(self, from_id: str, to_id: str) -> tuple[Card, Card]:
        if from_id == to_id:
            raise ProtocolError("invalid", _("An arrow must join two different cards."))
        return self._card(from_id), self._card(to_id)

    def _arrow_create(self, op: dict) -> None:
        if op["id"] in self.arrows:
            raise ProtocolError("exists", _("An arrow with this id exists already."))
        start, end = self._check_ends(op["from"], op["to"])
        arrow = Arrow(
            id=uuid.UUID(op["id"]),
            board=self.board,
            from_card=start,
            to_card=end,
            label=op["label"],
            weight=op["weight"],
            author_id=self.user.pk,
        )
        self.arrows[op["id"]] = arrow
        self.new.append(arrow)
        self.out.append(op)

    def _arrow_update(self, op: dict) -> None:
        arrow = self._arrow(op["id"])
        changed = []
        if "from" in op or "to" in op:
            # The end that stays was not named in the op, so _load did not fetch it.
            if "from" not in op:
                self.cards.setdefault(str(arrow.from_card_id), arrow.from_card)
            if "to" not in op:
                self.cards.setdefault(str(arrow.to_card_id), arrow.to_card)
            start, end = self._check_ends(
                op.get("from", str(arrow.from_card_id)), op.get("to", str(arrow.to_card_id))
            )
            arrow.from_card, arrow.to_card = start, end
            changed += ["from_card", "to_card"]
        for name in ("label", "weight"):
            if name in op:
                setattr(arrow, name, op[name])
                changed.append(name)
        self._touch(arrow, *changed)
        self.out.append(op)

    def _arrow_delete(self, op: dict) -> None:
        arrow = self._arrow(op["id"], alive=False)
        if not arrow.deleted:
            arrow.deleted = True
            self._touch(arrow, "deleted")
        self.out.append(op)

    def _arrow_restore(self, op: dict) -> None:
        arrow = self._arrow(op["id"], alive=False)
        self.cards.setdefault(str(arrow.from_card_id), arrow.from_card)
        self.cards.setdefault(str(arrow.to_card_id), arrow.to_card)
        self._check_ends(str(arrow.from_card_id), str(arrow.to_card_id))
        if arrow.deleted:
            arrow.deleted = False
            self._touch(arrow, "deleted")
        self.out.append({**op, "arrow": arrow_state(arrow)})

    def _check_link(self, source: Card, target: Card, ident: str) -> None:
        """Refuse a link the method does not know, or a second live link of one pair (the
        database's unique constraint would refuse it too, but with no message)."""
        if source.kind not in LINK_SOURCE_KINDS:
            raise ProtocolError(
                "invalid_link",
                _("A link starts at a current activity or an opportunity (the one that serves)."),
            )
        if target.kind not in LINK_TARGET_KINDS:
            raise ProtocolError(
                "invalid_link", _("A link ends at a touchpoint (the one that is served).")
            )
        in_batch = [
            k
            for k in self.links.values()
            if not k.deleted and (k.source_id, k.target_id) == (source.id, target.id)
        ]
        taken = (
            any(str(k.id) != ident for k in in_batch)
            or CardLink.objects.filter(source=source, target=target, deleted=False)
            .exclude(id__in=self.links.keys())
            .exists()
        )
        if taken:
            raise ProtocolError("exists", _("These two cards are linked already."))

    def _link_create(self, op: dict) -> None:
        if op["id"] in self.links:
            raise ProtocolError("exists", _("A link with this id exists already."))
        source, target = self._card(op["from"]), self._card(op["to"])
        self._check_link(source, target, op["id"])
        link = CardLink(
            id=uuid.UUID(op["id"]),
            board=self.board,
            source=source,
            target=target,
            author_id=self.user.pk,
        )
        self.links[op["id"]] = link
        self.new.append(link)
        self.out.append(op)

    def _link_delete(self, op: dict) -> None:
        link = self._link(op["id"], alive=False)
        if not link.deleted:
            link.deleted = True
            self._touch(link, "deleted")
        self.out.append(op)

    def _link_restore(self, op: dict) -> None:
        link = self._link(op["id"], alive=False)
        self.cards.setdefault(str(link.source_id), link.source)
        self.cards.setdefault(str(link.target_id), link.target)
        source, target = self._card(str(link.source_id)), self._card(str(link.target_id))
        if link.deleted:
            # Undo relies on this: the ends may have changed kind since the delete.
            self._check_link(source, target, op["id"])
            link.deleted = False
            self._touch(link, "deleted")
        self.out.append({**op, "link": link_state(link)})

    def _renumber(self, ordered: list[Phase]) -> None:
        for index, phase in enumerate(ordered):
            if phase.position != index:
                phase.position = index
                self._touch(phase, "position")
        self.phases = ordered

    def _phase_create(self, op: dict) -> None:
        phases = self._phases()
        if any(str(p.id) == op["id"] for p in phases) or Phase.objects.filter(id=op["id"]).exists():
            raise ProtocolError("exists", _("A phase with this id exists already."))
        if len(phases) >= MAX_PHASES:
            raise ProtocolError(
                "phase_limit", _("A board has at most %(n)d phases.") % {"n": MAX_PHASES}
            )
        position = min(op["position"], len(phases))
        colour = op.get("colour") or PHASE_COLOURS[len(phases) % len(PHASE_COLOURS)]
        phase = Phase(
            id=uuid.UUID(op["id"]),
            board=self.board,
            position=position,
            name=op["name"],
            colour=colour,
            kpis=op["kpis"],
        )
        self.new.append(phase)
        self._renumber([*phases[:position], phase, *phases[position:]])
        self.out.append({**op, "position": position, "colour": colour})

    def _phase_update(self, op: dict) -> None:
        phase = self._phase(op["id"])
        changed = [k for k in ("name", "colour", "kpis") if k in op]
        for name in changed:
            setattr(phase, name, op[name])
        self._touch(phase, *changed)
        self.out.append(op)

    def _phase_move(self, op: dict) -> None:
        phase = self._phase(op["id"])
        others = [p for p in self._phases() if p is not phase]
        position = min(op["position"], len(others))
        self._renumber([*others[:position], phase, *others[position:]])
        self.out.append({**op, "position": position})

    def _phase_delete(self, op: dict) -> None:
        phase = self._phase(op["id"])
        phases = self._phases()
        if len(phases) <= MIN_PHASES:
            raise ProtocolError(
                "phase_limit", _("A board needs at least %(n)d phases.") % {"n": MIN_PHASES}
            )
        target = None
        if op["cards"] == "move":
            target = self._phase(op["to"])
            if target is phase:
                raise ProtocolError("invalid", _("Move the cards to another phase."))
        members = [c for c in self.cards.values() if c.phase_id == phase.id and not c.deleted]
        # Cards the batch holds already are as the batch left them (maybe moved out).
        for card in Card.objects.filter(phase=phase, deleted=False).exclude(
            id__in=self.cards.keys()
        ):
            self.cards[str(card.id)] = card
            members.append(card)
        for card in sorted(members, key=lambda card: card.id):  # as in _arrows_of
            if target is not None:
                self._card_update(
                    {"op": "card.update", "id": str(card.id), "phase": str(target.id)}
                )
            else:
                self._card_delete({"op": "card.delete", "id": str(card.id)})
        # A deleted card loses the phase that goes (the write does so for those not held
        # here): a later restore in the same group must find it as a fresh load would.
        for card in self.cards.values():
            if card.deleted and card.phase_id == phase.id:
                card.phase = None
                self._touch(card, "phase")
        self.deleted_phases.append(phase)
        self._renumber([p for p in phases if p is not phase])
        self.out.append(op)

    def _board_update(self, op: dict) -> None:
        fields = [name for name in ("title", "stage") if name in op]
        if "stage" in op and not role_allows(self.role, Can.FACILITATE):
            # Checked here, with the lock held, so a role lowered a moment ago counts.
            raise ProtocolError(
                "forbidden", _("Only a facilitator can move the workshop to another stage.")
            )
        # Set on the board only once the whole batch is accepted (_Group.merge): a later op
        # of the batch may still be refused, and the board is shared by a group's frames.
        self.board_changes.update((name, op[name]) for name in fields)
        self.out.append(op)


@dataclass
class _Named:
    cards: set[str]
    arrows: set[str]
    links: set[str]
    phases: bool
    owners: set[int]


def _named(ops: list[dict]) -> _Named:
    """The ids of the objects `ops` name, whether they need the phases, the owners named."""
    named = _Named(set(), set(), set(), False, set())
    for op in ops:
        kind = op["op"].split(".")[0]
        if kind == "card":
            named.cards.add(op["id"])
            named.phases |= "phase" in op
            if op.get("owner") is not None:
                named.owners.add(op["owner"])
        elif kind == "arrow":
            named.arrows.add(op["id"])
            named.cards.update(op[k] for k in ("from", "to") if k in op)
        elif kind == "link":
            named.links.add(op["id"])
            named.cards.update(op[k] for k in ("from", "to") if k in op)
        elif kind == "phase":
            named.phases = True
    return named


def _copy(obj):
    """A copy of a model instance that can be changed without changing `obj` (its cached
    related objects are shared; the batches read only their ids)."""
    twin = obj.__class__.__new__(obj.__class__)
    twin.__dict__ = obj.__dict__.copy()
    state = twin._state = ModelState()
    state.db, state.adding = obj._state.db, obj._state.adding
    state.fields_cache = dict(obj._state.fields_cache)
    return twin


class _Held:
    """A batch's objects of one model, by id: its own (loaded or made by it), and those
    of the group's earlier frames, copied into its own the first time it reads one."""

    def __init__(self, shared: dict | None = None) -> None:
        self.own: dict[str, object] = {}
        self.shared = shared if shared is not None else {}

    def get(self, ident: str):
        obj = self.own.get(ident)
        if obj is None and ident in self.shared:
            obj = self.own[ident] = _copy(self.shared[ident])
        return obj

    def __contains__(self, ident: str) -> bool:
        return ident in self.own or ident in self.shared

    def __setitem__(self, ident: str, obj) -> None:
        self.own[ident] = obj

    def setdefault(self, ident: str, obj):
        found = self.get(ident)
        if found is None:
            found = self.own[ident] = obj
        return found

    def update(self, pairs) -> None:
        self.own.update(pairs)

    def keys(self) -> set[str]:
        return self.own.keys() | self.shared.keys()

    def values(self):
        for ident in self.shared:
            self.get(ident)
        return self.own.values()


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
