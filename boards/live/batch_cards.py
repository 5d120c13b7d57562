"""The rules of card ops (card.create, card.update, card.delete, card.restore), a part
of boards.live.batch._Batch (see there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from boards.live.batch_lines import link_fits
from boards.live.protocol import ProtocolError
from boards.live.textmerge import merge3
from boards.models import Card
from boards.schema import CARD, CARD_LIMITS
from boards.selectors import card_state

if TYPE_CHECKING:
    from boards.live.batch import _Batch

# The card fields an op sets as they are; `phase` and `owner` name other rows, checked here.
CARD_ATTRS = CARD.plain


class CardRules:
    """card.create, card.update, card.delete and card.restore."""

    def _room_for_a_card(self: _Batch) -> None:
        """Refuse a card beyond BOARD_MAX_CARDS live ones (the limit imports keep too)."""
        if self.stored_cards is None:
            self.stored_cards = Card.objects.filter(board=self.board, deleted=False).count()
        limit = settings.BOARD_MAX_CARDS
        if self.stored_cards + self.earlier_cards + self.card_delta >= limit:
            raise ProtocolError(
                "card_limit",
                _("This board holds %(limit)s cards, as many as a board can: delete some first.")
                % {"limit": number_format(limit, force_grouping=True)},
            )

    def _card_create(self: _Batch, op: dict) -> None:
        if op["id"] in self.cards:
            raise ProtocolError("exists", _("A card with this id exists already."))
        self._room_for_a_card()
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
        self.card_delta += 1
        # Its author's page marks it (boards/private.py); nobody else is sent the op.
        self.out.append({**op, "private": True} if card.private else op)

    def _card_update(self: _Batch, op: dict) -> None:
        if "base" in op:
            op = self._text_edit(op)
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

    def _text_edit(self: _Batch, op: dict) -> dict:
        """A text edit that says which text it started from (`base`): its words are never
        lost (docs/protocol.md, "Concurrent text"). A card deleted meanwhile comes back
        with them; someone else's edit since `base` is merged with it word by word; where
        both changed the same words, both texts are kept and the patch says so."""
        op = dict(op)
        base = op.pop("base")
        card = self._card(op["id"], alive=False)
        if card.deleted:
            self._set_deleted(card, False)
            self.out.append({"op": "card.restore", "id": op["id"], "card": card_state(card)})
            op["restored"] = True
        if card.text in (base, op["text"]):
            return op
        name = getattr(self.user, "name", "") or _("someone")
        marker = "— " + _("Also written at the same time, by %(name)s:") % {"name": name}
        merged = merge3(base, card.text, op["text"], marker=marker)
        if len(merged.text) <= CARD_LIMITS["text"]:
            op["text"] = merged.text
            op["merge"] = "clean" if merged.clean else "conflict"
            return op
        # Both texts do not fit in one card: this edit's text goes into a copy beside it.
        copy = {
            **CARD.of(card),
            "op": "card.create",
            "id": str(uuid.uuid4()),
            "x": card.x + 24,
            "y": card.y + 24,
            "text": op["text"],
        }
        del copy["author"]
        owner, copy["owner"] = copy["owner"], None  # checked when it was given
        self._card_create(copy)
        self.cards.get(copy["id"]).owner_id = copy["owner"] = owner
        op.update(text=card.text, merge="conflict", copy=copy["id"])
        return op

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
        if card.deleted:
            self._room_for_a_card()
        self._set_deleted(card, False)
        # The whole card travels with the patch: a page that loaded the board after the
        # delete has never seen it.
        state = card_state(card)
        if card.private:
            state["private"] = True
        self.out.append({**op, "card": state})
