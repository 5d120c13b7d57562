"""Private writing rounds: who sees a card, an arrow, a link and an op while one runs.

While the facilitator's private round runs (`Board.private_since` is set), each card a
participant makes is private (`Card.private`): only its author sees it, edits it, or
names it in an op (to anyone else it does not exist: `not_found`). An arrow or a link is
seen by whoever sees both its cards. The facilitator's own cards stay public: they host
the round (prompts, examples). The reveal makes every private card public at once, in
one revision whose patch brings the cards to everyone (boards/live/reveal.py).

Ops are stored once, in the op log, as applied; an op that touches a private card carries
the server-only key `_to` (the one user it is shown to), and every reader hands each
person only the ops they may see, without the key (`for_viewer`). A patch whose ops
were all someone else's still reaches everyone, with its revision and no ops, so that no
page sees a gap (docs/protocol.md, "Private writing rounds").

Only while a round runs can a card be private, so boards without a round pay nothing:
the readers ask `Board.private_since` first.
"""

from __future__ import annotations

from django.db.models import Q

TO = "_to"  # server-only key of a stored op: the one user who is shown it


def cards_visible(user_id: int | None, prefix: str = "") -> Q:
    """The cards `user_id` sees (None: the room's public view, for versions, exports and
    share links), as a filter on Card (or on a card relation with `prefix`, e.g.
    "from_card__")."""
    public = Q(**{f"{prefix}private": False})
    if user_id is None:
        return public
    return public | Q(**{f"{prefix}author_id": user_id})


def lines_visible(user_id: int | None, start: str, end: str) -> Q:
    """Arrows (`from_card`, `to_card`) or links (`source`, `target`) whose both cards
    `user_id` sees."""
    return cards_visible(user_id, f"{start}__") & cards_visible(user_id, f"{end}__")


def for_viewer(ops: list[dict], user_id: int | None) -> list[dict]:
    """The ops of one revision as `user_id` is shown them: the public ones and their own,
    without the server-only key."""
    if not any(TO in op for op in ops):
        return ops
    return [
        {k: v for k, v in op.items() if k != TO}
        for op in ops
        if op.get(TO) is None or op[TO] == user_id
    ]


def audience(ops: list[dict]) -> set[int]:
    """The users some op of `ops` is shown to alone."""
    return {op[TO] for op in ops if op.get(TO) is not None}


def visible_card(card, user_id: int | None) -> bool:
    return not card.private or (user_id is not None and card.author_id == user_id)
