"""The rules of one op frame: what each op does to the board, checked op by op.

A `_Batch` applies one frame's ops to copies of the rows its group commit has loaded
(boards.live.commit): it refuses an op that does not fit the board (a deleted card, a
link between the wrong kinds, a ninth phase) with a ProtocolError, and spells out each
op's consequences (the arrows and links of a deleted card, the links a kind change no
longer allows, the cards of a deleted phase) in the ops it returns, which is what clients
replay. It reads the database only for rows the group did not load, and never writes:
the commit writes what every accepted batch changed, once, at the end.

One object, in parts by concern: this module holds what a batch is (its rows, loading
them, finding one, marking one changed) and the board's own op; the rules of each kind
of op are in batch_cards (cards), batch_lines (arrows and links) and batch_phases
(phases), mixed into `_Batch`, what the lock refuses in batch_lock, and the rules
of a private writing round in batch_private; held keeps the rows a batch works on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from boards.live.batch_cards import CardRules
from boards.live.batch_lines import LineRules
from boards.live.batch_lock import LockRules
from boards.live.batch_phases import PhaseRules
from boards.live.batch_private import PrivateRules
from boards.live.held import _copy, _Held, _named
from boards.live.protocol import ProtocolError
from boards.models import Arrow, Board, Card, CardLink, Phase
from journeymap.access import Can, role_allows
from journeymap.models import Membership

if TYPE_CHECKING:
    from boards.live.commit import _Group

# commit.py reads which rows a frame names before it starts a batch.
__all__ = ["_Batch", "_named"]


def _not_found(missing: str, ident: str) -> ProtocolError:
    """`missing` is a whole sentence with %(id)s: a translation never gets a fragment."""
    return ProtocolError("not_found", missing % {"id": ident})


@dataclass
class _Batch(CardRules, LineRules, PhaseRules, LockRules, PrivateRules):
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
    # Live cards: as stored when the group began (read once, when a card is made or
    # restored), plus what the group's earlier frames and this one made, restored or
    # deleted since (BOARD_MAX_CARDS, batch_cards).
    stored_cards: int | None = None
    earlier_cards: int = 0
    card_delta: int = 0

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
        self.stored_cards = work.stored_cards
        self.earlier_cards = work.card_delta

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
        return self._row(
            self.cards,
            ident,
            alive,
            _("There is no card %(id)s on this board."),
            _("That card was deleted by someone else."),
        )

    def _arrow(self, ident: str, *, alive: bool = True) -> Arrow:
        return self._row(
            self.arrows,
            ident,
            alive,
            _("There is no arrow %(id)s on this board."),
            _("That arrow was deleted by someone else."),
        )

    def _link(self, ident: str, *, alive: bool = True) -> CardLink:
        return self._row(
            self.links,
            ident,
            alive,
            _("There is no link %(id)s on this board."),
            _("That link was deleted by someone else."),
        )

    def _row(self, held: _Held, ident: str, alive: bool, missing: str, deleted: str):
        """The card, arrow or link `ident` of this board, live unless `alive` is False."""
        obj = held.get(ident)
        if obj is None or obj.board_id != self.board.pk:
            raise _not_found(missing, ident)
        if alive and obj.deleted:
            raise ProtocolError("deleted", deleted)
        return obj

    def _phase(self, ident: str) -> Phase:
        for phase in self._phases():
            if str(phase.id) == ident:
                return phase
        raise _not_found(_("There is no phase %(id)s on this board."), ident)

    def _touch(self, obj, *names: str) -> None:
        if obj not in self.new:
            self.dirty.setdefault(obj, set()).update(names)

    # Applying.

    def apply(self, ops: list[dict]) -> list[dict]:
        self._load(ops)
        private_round = self._round_on()  # boards/private.py; nothing to ask otherwise
        for op in ops:
            if private_round:  # before the lock: another's private card is not there
                self._check_visible(op)
            self._guard(op)  # the lock (batch_lock)
            getattr(self, "_" + op["op"].replace(".", "_"))(op)
        return self._tag_private(self.out) if private_round else self.out

    def _arrows_of(self, card: Card) -> list[Arrow]:
        return self._attached(self.arrows, Arrow, card, "from_card_id", "to_card_id")

    def _links_of(self, card: Card) -> list[CardLink]:
        return self._attached(self.links, CardLink, card, "source_id", "target_id")

    def _attached(self, held: _Held, model, card: Card, start: str, end: str) -> list:
        """The live arrows or links at `card` (either end), as the batch has left them."""
        in_batch = [
            obj
            for obj in held.values()
            if not obj.deleted and card.id in (getattr(obj, start), getattr(obj, end))
        ]
        # Rows the batch holds already are as the batch left them (maybe deleted or
        # re-attached): the stored row is stale for them.
        stored = (
            model.objects.filter(board=self.board, deleted=False)
            .filter(Q(**{start: card.id}) | Q(**{end: card.id}))
            .exclude(id__in=held.keys())
        )
        for obj in stored:
            held[str(obj.id)] = obj
        # In id order: the patch lists them so, however the group commit held them.
        return sorted([*in_batch, *stored], key=lambda obj: obj.id)

    def _set_deleted(self, obj, deleted: bool) -> None:
        """Delete or restore a card, arrow or link (nothing if it is so already)."""
        if obj.deleted != deleted:
            obj.deleted = deleted
            self._touch(obj, "deleted")
            if isinstance(obj, Card):
                self.card_delta += -1 if deleted else 1

    def _board_update(self, op: dict) -> None:
        fields = [name for name in ("title", "stage", "locked") if name in op]
        if "stage" in op and not role_allows(self.role, Can.FACILITATE):
            # Checked here, with the lock held, so a role lowered a moment ago counts.
            raise ProtocolError(
                "forbidden", _("Only a facilitator can move the workshop to another stage.")
            )
        # Set on the board only once the whole batch is accepted (_Group.merge): a later op
        # of the batch may still be refused, and the board is shared by a group's frames.
        self.board_changes.update((name, op[name]) for name in fields)
        self.out.append(op)
