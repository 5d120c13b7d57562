"""The lock, a part of boards.live.batch._Batch (see there): what a facilitator has locked
nobody else changes.

A facilitator locks the whole board (`board.update` with `locked`), a phase
(`phase.update`) or single cards (`card.update`). The lock is board content like any
other field, so it is in the op log, snapshots, undo and exports. For everyone below
facilitator (journeymap.access Can.FACILITATE, read in the commit's transaction):

- nobody else sets or clears `locked` (forbidden);
- on a locked board, no op at all is accepted (locked);
- a locked card, and every card of a locked phase, is not moved, edited, deleted or
  restored; nothing is created in or moved into a locked phase, and the phase itself is
  not renamed, moved or deleted; a phase holding a locked card is not deleted;
- arrows and links with a locked card at either end are not drawn, changed or removed.

Each op is checked as the batch reaches it (`_guard`), before it changes anything; the
consequences an accepted op spells out (the arrows of a deleted card) are its own and are
not checked again. A refusal refuses the whole frame, so nothing of it is changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from boards.live.protocol import ProtocolError
from boards.models import Card
from journeymap.access import Can, role_allows

if TYPE_CHECKING:
    from boards.live.batch import _Batch


def _locked_board() -> ProtocolError:
    return ProtocolError(
        "locked", _("A facilitator has locked this board: only facilitators can change it now.")
    )


def _locked_card() -> ProtocolError:
    return ProtocolError(
        "locked", _("A facilitator has locked this card: it cannot be changed now.")
    )


def _locked_phase(name: str) -> ProtocolError:
    return ProtocolError(
        "locked",
        _("A facilitator has locked the phase “%(name)s”: it cannot be changed now.")
        % {"name": name},
    )


class LockRules:
    """`_guard(op)`: refuse what the lock does not allow this batch's author."""

    def _facilitates(self: _Batch) -> bool:
        return role_allows(self.role, Can.FACILITATE)

    def _guard(self: _Batch, op: dict) -> None:
        if self._facilitates():
            return
        kind, verb = op["op"].split(".")
        if "locked" in op and self._sets_lock(kind, verb, op):
            raise ProtocolError("forbidden", _("Only a facilitator can lock or unlock."))
        if self.board.locked:
            raise _locked_board()
        if kind == "card":
            self._guard_card(verb, op)
        elif kind in ("arrow", "link"):
            self._guard_line(kind, verb, op)
        elif kind == "phase":
            self._guard_phase(verb, op)

    def _sets_lock(self: _Batch, kind: str, verb: str, op: dict) -> bool:
        """Whether `op` changes a lock (a create asks for one when it says true)."""
        if verb == "create":
            return op.get("locked", False)
        if kind == "board":
            return op["locked"] != self.board.locked
        row = self._card(op["id"], alive=False) if kind == "card" else self._phase(op["id"])
        return op["locked"] != row.locked

    def _phase_lock(self: _Batch, phase_id) -> None:
        if phase_id is None:
            return
        for phase in self._phases():
            if phase.id == phase_id or str(phase.id) == str(phase_id):
                if phase.locked:
                    raise _locked_phase(phase.name)
                return

    def _card_lock(self: _Batch, card: Card) -> None:
        if card.locked:
            raise _locked_card()
        self._phase_lock(card.phase_id)

    def _guard_card(self: _Batch, verb: str, op: dict) -> None:
        if verb == "create":
            self._phase_lock(op["phase"])
            return
        card = self.cards.get(op["id"])
        if card is None or card.board_id != self.board.pk:
            return  # the op's own rules say there is no such card
        self._card_lock(card)
        if verb == "update" and op.get("phase"):
            self._phase_lock(op["phase"])

    def _guard_line(self: _Batch, kind: str, verb: str, op: dict) -> None:
        held = self.arrows if kind == "arrow" else self.links
        ends = [op.get("from"), op.get("to")]
        if verb != "create":
            line = held.get(op["id"])
            if line is not None and line.board_id == self.board.pk:
                if kind == "arrow":
                    ends += [str(line.from_card_id), str(line.to_card_id)]
                else:
                    ends += [str(line.source_id), str(line.target_id)]
        ends = {ident for ident in ends if ident}
        missing = ends - self.cards.keys()
        if missing:  # the ends of an arrow or link the frame names by its own id only
            self.cards.update((str(c.id), c) for c in Card.objects.filter(id__in=missing))
        for ident in sorted(ends):
            card = self.cards.get(ident)
            if card is not None and card.board_id == self.board.pk:
                self._card_lock(card)

    def _guard_phase(self: _Batch, verb: str, op: dict) -> None:
        if verb == "create":
            return
        phase = next((p for p in self._phases() if str(p.id) == op["id"]), None)
        if phase is None:
            return  # the op's own rules say there is no such phase
        if phase.locked:
            raise _locked_phase(phase.name)
        if verb != "delete":
            return
        if op["cards"] == "move":
            self._phase_lock(op["to"])
        held = [c for c in self.cards.values() if c.phase_id == phase.id and not c.deleted]
        if any(card.locked for card in held) or (
            Card.objects.filter(phase=phase, deleted=False, locked=True)
            .exclude(id__in=self.cards.keys())
            .exists()
        ):
            raise _locked_card()
