"""The rules of phase ops (phase.create, phase.update, phase.move, phase.delete), a part
of boards.live.batch._Batch (see there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from boards.frameworks import PHASE_COLOURS
from boards.live.protocol import ProtocolError
from boards.models import MAX_PHASES, MIN_PHASES, Card, Phase
from boards.schema import CARD_LIMITS, KPI_MAX, PHASE

GAP_BELOW = 40  # between a phase's cards and those a deleted phase's move in below them

if TYPE_CHECKING:
    from boards.live.batch import _Batch


class PhaseRules:
    """phase.create, phase.update, phase.move and phase.delete; phases stay numbered 0..n-1."""

    def _renumber(self: _Batch, ordered: list[Phase]) -> None:
        for index, phase in enumerate(ordered):
            if phase.position != index:
                phase.position = index
                self._touch(phase, "position")
        self.phases = ordered

    def _phase_create(self: _Batch, op: dict) -> None:
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
            locked=op.get("locked", False),
        )
        self.new.append(phase)
        self._renumber([*phases[:position], phase, *phases[position:]])
        self.out.append({**op, "position": position, "colour": colour})

    def _phase_update(self: _Batch, op: dict) -> None:
        phase = self._phase(op["id"])
        changed = [k for k in PHASE.names if k in op]
        for name in changed:
            setattr(phase, name, op[name])
        self._touch(phase, *changed)
        self.out.append(op)

    def _phase_move(self: _Batch, op: dict) -> None:
        phase = self._phase(op["id"])
        others = [p for p in self._phases() if p is not phase]
        position = min(op["position"], len(others))
        self._renumber([*others[:position], phase, *others[position:]])
        self.out.append({**op, "position": position})

    def _kpis_joined(self: _Batch, target: Phase, phase: Phase) -> list[dict]:
        """The KPIs `target` has once `phase`'s join them: its own, then those of `phase`
        whose names it lacks (a card's `kpi` names one by name, and still does)."""
        names = {kpi["name"] for kpi in target.kpis}
        joined = [*target.kpis, *(kpi for kpi in phase.kpis if kpi["name"] not in names)]
        if len(joined) > KPI_MAX:
            raise ProtocolError(
                "invalid",
                _(
                    "%(target)s cannot take the KPIs of %(phase)s: a phase has at most"
                    " %(n)d KPIs. Remove some first, or delete them with the phase."
                )
                % {"target": target.name, "phase": phase.name, "n": KPI_MAX},
            )
        return joined

    def _offset_below(self: _Batch, target: Phase, moving: list[Card]) -> float:
        """How far down the cards `moving` into `target` go to land below its own cards
        rather than on them (0 when they do not meet): they keep their places among
        themselves."""
        if not moving:
            return 0
        held = [c for c in self.cards.values() if c.phase_id == target.id and not c.deleted]
        stored = Card.objects.filter(phase=target, deleted=False).exclude(id__in=self.cards.keys())
        bottoms = [card.y + card.h for card in held]
        bottoms += [y + h for y, h in stored.values_list("y", "h")]
        if not bottoms:
            return 0
        top = min(card.y for card in moving)
        return max(0, max(bottoms) + GAP_BELOW - top)

    def _phase_delete(self: _Batch, op: dict) -> None:
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
        if target is not None:
            kpis = self._kpis_joined(target, phase)
            offset = self._offset_below(target, members)
        for card in sorted(members, key=lambda card: card.id):  # as in _arrows_of
            if target is not None:
                move = {"op": "card.update", "id": str(card.id), "phase": str(target.id)}
                if offset:
                    move["y"] = min(card.y + offset, CARD_LIMITS["coord"])
                self._card_update(move)
            else:
                self._card_delete({"op": "card.delete", "id": str(card.id)})
        if target is not None and kpis != target.kpis:
            self._phase_update({"op": "phase.update", "id": str(target.id), "kpis": kpis})
        # A deleted card loses the phase that goes (the write does so for those not held
        # here): a later restore in the same group must find it as a fresh load would.
        for card in self.cards.values():
            if card.deleted and card.phase_id == phase.id:
                card.phase = None
                self._touch(card, "phase")
        self.deleted_phases.append(phase)
        self._renumber([p for p in phases if p is not phase])
        self.out.append(op)
