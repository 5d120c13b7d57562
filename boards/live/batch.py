"""The rules of one op frame: what each op does to the board, checked op by op.

A `_Batch` applies one frame's ops to copies of the rows its group commit has loaded
(boards.live.commit): it refuses an op that does not fit the board (a deleted card, a
link between the wrong kinds, a ninth phase) with a ProtocolError, and spells out each
op's consequences (the arrows and links of a deleted card, the links a kind change no
longer allows, the cards of a deleted phase) in the ops it returns, which is what clients
replay. It reads the database only for rows the group did not load, and never writes:
the commit writes what every accepted batch changed, once, at the end.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from boards.frameworks import PHASE_COLOURS
from boards.live.protocol import ProtocolError
from boards.models import MAX_PHASES, MIN_PHASES, Arrow, Board, Card, CardLink, Phase
from boards.schema import ARROW, CARD, LINK_SOURCE_KINDS, LINK_TARGET_KINDS, PHASE
from boards.selectors import arrow_state, card_state, link_state
from journeymap.access import Can, role_allows
from journeymap.models import Membership

if TYPE_CHECKING:
    from boards.live.commit import _Group

# The card fields an op sets as they are; `phase` and `owner` name other rows, checked here.
CARD_ATTRS = CARD.plain


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
            phase=phase,
            owner_id=self._owner(op["owner"]),
            author_id=self.user.pk,
            **CARD.attrs(op, CARD_ATTRS),
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
            movement=op["movement"],
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
        for name in ARROW.plain:
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
        changed = [k for k in PHASE.names if k in op]
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
