"""The rules of arrow and link ops (create, update, delete, restore), a part of
boards.live.batch._Batch (see there)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from boards.live.protocol import ProtocolError
from boards.models import Arrow, Card, CardLink
from boards.schema import ARROW, LINK_SOURCE_KINDS, LINK_TARGET_KINDS
from boards.selectors import arrow_state, link_state

if TYPE_CHECKING:
    from boards.live.batch import _Batch


def link_fits(link: CardLink, card_id, kind: str) -> bool:
    """Whether `link` still fits once card `card_id` (one of its ends) is of `kind`."""
    if link.source_id == card_id:
        return kind in LINK_SOURCE_KINDS
    return kind in LINK_TARGET_KINDS


class LineRules:
    """Arrows (customers moving between cards) and links (what serves a touchpoint)."""

    def _check_ends(self: _Batch, from_id: str, to_id: str) -> tuple[Card, Card]:
        if from_id == to_id:
            raise ProtocolError("invalid", _("An arrow must join two different cards."))
        return self._card(from_id), self._card(to_id)

    def _arrow_create(self: _Batch, op: dict) -> None:
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

    def _arrow_update(self: _Batch, op: dict) -> None:
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

    def _arrow_delete(self: _Batch, op: dict) -> None:
        self._set_deleted(self._arrow(op["id"], alive=False), True)
        self.out.append(op)

    def _arrow_restore(self: _Batch, op: dict) -> None:
        arrow = self._arrow(op["id"], alive=False)
        self.cards.setdefault(str(arrow.from_card_id), arrow.from_card)
        self.cards.setdefault(str(arrow.to_card_id), arrow.to_card)
        self._check_ends(str(arrow.from_card_id), str(arrow.to_card_id))
        self._set_deleted(arrow, False)
        self.out.append({**op, "arrow": arrow_state(arrow)})

    def _check_link(self: _Batch, source: Card, target: Card, ident: str) -> None:
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

    def _link_create(self: _Batch, op: dict) -> None:
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

    def _link_delete(self: _Batch, op: dict) -> None:
        self._set_deleted(self._link(op["id"], alive=False), True)
        self.out.append(op)

    def _link_restore(self: _Batch, op: dict) -> None:
        link = self._link(op["id"], alive=False)
        self.cards.setdefault(str(link.source_id), link.source)
        self.cards.setdefault(str(link.target_id), link.target)
        source, target = self._card(str(link.source_id)), self._card(str(link.target_id))
        if link.deleted:
            # Undo relies on this: the ends may have changed kind since the delete.
            self._check_link(source, target, op["id"])
            self._set_deleted(link, False)
        self.out.append({**op, "link": link_state(link)})
