"""The rules of a private writing round inside a batch, a part of boards.live.batch._Batch
(see there; what a round is: boards/private.py).

While the board's round runs: a participant's new card is private; an op that names a
card private to someone else is refused as if the card did not exist (`not_found`); and
every op the batch applied that touches a private card is marked with the one user it is
shown to (boards.private.TO), so that the patch and the op log hand it to nobody else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from boards.live.protocol import ProtocolError
from boards.models import Card
from boards.private import TO
from journeymap.access import Can, role_allows

if TYPE_CHECKING:
    from boards.live.batch import _Batch


class PrivateRules:
    def _round_on(self: _Batch) -> bool:
        return self.board.private_since is not None

    def _writes_privately(self: _Batch) -> bool:
        """Whether the author's new cards are private: in a round, unless they host it."""
        return self._round_on() and not role_allows(self.role, Can.FACILITATE)

    def _check_visible(self: _Batch, op: dict) -> None:
        """Refuse an op that names a card private to someone else, directly or through an
        arrow or link at it, as `not_found`: to them it does not exist."""
        kind = op["op"].split(".")[0]
        if kind == "card":
            named = [op["id"]]
        elif kind in ("arrow", "link"):
            named = [op[end] for end in ("from", "to") if end in op]
            line = (self.arrows if kind == "arrow" else self.links).get(op["id"])
            if line is not None:
                start, end = (
                    (line.from_card_id, line.to_card_id)
                    if kind == "arrow"
                    else (line.source_id, line.target_id)
                )
                named += [str(start), str(end)]
        else:
            return
        direct = {op["id"]} if kind == "card" else {op.get("from"), op.get("to")}
        for ident, author in self._private_authors(named).items():
            if author == self.user.pk:
                continue
            if ident in direct:
                missing, shown = _("There is no card %(id)s on this board."), ident
            elif kind == "arrow":
                missing, shown = _("There is no arrow %(id)s on this board."), op["id"]
            else:
                missing, shown = _("There is no link %(id)s on this board."), op["id"]
            raise ProtocolError("not_found", missing % {"id": shown})

    def _private_authors(self: _Batch, idents) -> dict[str, int]:
        """Of the cards `idents`, those that are private, with their authors."""
        found: dict[str, int] = {}
        missing = set()
        for ident in set(idents):
            card = self.cards.get(ident)
            if card is None:
                missing.add(ident)
            elif card.private:
                found[ident] = card.author_id
        if missing:
            rows = Card.objects.filter(board=self.board, id__in=missing, private=True)
            found.update((str(i), a) for i, a in rows.values_list("id", "author_id"))
        return found

    def _tag_private(self: _Batch, ops: list[dict]) -> list[dict]:
        """`ops`, each that touches a private card marked with the one user it is shown to."""
        refs = []
        for op in ops:
            kind = op["op"].split(".")[0]
            if kind == "card":
                refs.append([op["id"]])
            elif kind == "arrow":
                arrow = self.arrows.get(op["id"])
                refs.append([str(arrow.from_card_id), str(arrow.to_card_id)] if arrow else [])
            elif kind == "link":
                link = self.links.get(op["id"])
                refs.append([str(link.source_id), str(link.target_id)] if link else [])
            else:
                refs.append([])
        authors = self._private_authors({ident for named in refs for ident in named})
        if not authors:
            return ops
        tagged = []
        for op, named in zip(ops, refs, strict=True):
            owners = {authors[ident] for ident in named if ident in authors}
            # One at most: nobody can join their card to a card private to another.
            tagged.append({**op, TO: min(owners)} if owners else op)
        return tagged
