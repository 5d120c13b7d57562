"""The rules of card ops (card.create, card.update, card.delete, card.restore), a part
of boards.live.batch._Batch (see there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from boards.live.batch_lines import link_fits
from boards.live.protocol import ProtocolError
from boards.models import Card
from boards.schema import CARD
from boards.selectors import card_state

if TYPE_CHECKING:
    from boards.live.batch import _Batch

# The card fields an op sets as they are; `phase` and `owner` name other rows, checked here.
CARD_ATTRS = CARD.plain


class CardRules:
    """card.create, card.update, card.delete and card.restore."""

    def _card_create(self: _Batch, op: dict) -> None:
        if op["id"] in self.cards:
            raise ProtocolError("exists", _("A card with this id exists already."))
        phase = self._phase(op["phase"]) if op["phase"] else None
        card = Card(
            id=uuid.UUID(op["id"]),
            board=self.board,
            phase=phase,
            owner_id=self._owner(op["owner"]),
            author_id=self.user.pk,
            private=self._writes_privately(),
            **CARD.attrs(op, CARD_ATTRS),
        )
        self.cards[op["id"]] = card
        self.new.append(card)
        # Its author's page marks it (boards/private.py); nobody else is sent the op.
        self.out.append({**op, "private": True} if card.private else op)

    def _card_update(self: _Batch, op: dict) -> None:
        card = self._card(op["id"])
        if "kind" in op and op["kind"] != card.kind:
            # The links the new kind no longer allows go in the same revision, before the
            # update in the patch, as a deleted card's arrows do.
            for link in self._links_of(card):
                if not link_fits(link, card.id, op["kind"]):
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

    def _card_delete(self: _Batch, op: dict) -> None:
        card = self._card(op["id"], alive=False)
        if not card.deleted:
            for arrow in self._arrows_of(card):
                self._arrow_delete({"op": "arrow.delete", "id": str(arrow.id)})
            for link in self._links_of(card):
                self._link_delete({"op": "link.delete", "id": str(link.id)})
            self._set_deleted(card, True)
        self.out.append(op)

    def _card_restore(self: _Batch, op: dict) -> None:
        card = self._card(op["id"], alive=False)
        self._set_deleted(card, False)
        # The whole card travels with the patch: a page that loaded the board after the
        # delete has never seen it.
        state = card_state(card)
        if card.private:
            state["private"] = True
        self.out.append({**op, "card": state})
