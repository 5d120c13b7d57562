"""Dot voting: what opening, casting, revealing, closing and promoting a vote do, and what
each person sees of it (docs/protocol.md, "Facilitation": the `vote.*` actions and the
`vote` section of the `workshop` frame).

A facilitator opens a vote on a set of cards (every card, the cards of one kind or of one
phase, or a selection), fixed as it opens, with N dots per person and at most M of them
on one card (M = N lets a person put all their dots on one card, as Miro does; a
facilitator may ask for less). Everyone who may edit the board places and takes back
dots while it is open. Until the facilitator reveals it, each person sees only their own
dots and how many they have left; the facilitator sees how many people voted, not the
counts. Revealed, everyone sees the counts and the ranking (and who voted for what, unless
the vote is anonymous), and no more dots are placed. Closed, it stays with the board:
the exports carry it, and its top cards can still be turned into opportunities.

The functions run inside the caller's transaction, with the board's row locked
(boards.workshop.registry), and refuse with a ProtocolError that changes nothing. Dots on
a card deleted meanwhile count for nothing: they are not in the results, and their owner
has them back to place elsewhere.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from boards.live.fields import ProtocolError
from boards.models import Card, Phase
from boards.workshop.vote_models import Dot, Vote, VoteScope, VoteStatus
from journeymap.access import Can, role_allows
from journeymap.models import User

PROMOTE_MAX = 20  # opportunities made from one vote at a time
OPPORTUNITY_GAP = 24.0  # how far below its card an opportunity is placed


def running(board) -> Vote | None:
    """The board's vote that is not closed, if any (at most one)."""
    return Vote.objects.filter(board=board).exclude(status=VoteStatus.CLOSED).first()


def _running_or_refuse(board) -> Vote:
    vote = running(board)
    if vote is None:
        raise ProtocolError("not_found", _("There is no vote running on this board."))
    return vote


def open_vote(board, user: User | None, now: datetime, args: dict) -> Vote:
    if running(board) is not None:
        raise ProtocolError(
            "conflict", _("A vote is running already: close it before you open another.")
        )
    per_person = args["votes"]
    per_card = args.get("per_card", per_person)
    if per_card > per_person:
        raise ProtocolError(
            "invalid",
            _("Votes on one card cannot be more than the votes each person has (%(n)d).")
            % {"n": per_person},
        )
    cards = _cards_in_scope(board, args)
    if not cards:
        raise ProtocolError("invalid", _("There are no cards to vote on in what you chose."))
    return Vote.objects.create(
        board=board,
        title=args.get("title", ""),
        scope=args["scope"],
        cards=cards,
        per_person=per_person,
        per_card=per_card,
        anonymous=args.get("anonymous", True),
        opened_by=user,
        opened=now,
    )


def _cards_in_scope(board, args: dict) -> list[str]:
    """The ids of the live cards the vote is on, in the board's order."""
    scope = args["scope"]
    cards = Card.objects.filter(board=board, deleted=False).order_by("created", "id")
    if scope == VoteScope.KIND:
        if "kind" not in args:
            raise ProtocolError("invalid", _("Say which kind of card the vote is on."))
        cards = cards.filter(kind=args["kind"])
    elif scope == VoteScope.PHASE:
        if "phase" not in args:
            raise ProtocolError("invalid", _("Say which phase the vote is on."))
        if not Phase.objects.filter(board=board, id=args["phase"]).exists():
            raise ProtocolError(
                "not_found",
                _("There is no phase %(id)s on this board.") % {"id": args["phase"]},
            )
        cards = cards.filter(phase_id=args["phase"])
    elif scope == VoteScope.SELECTION:
        chosen = args.get("cards") or []
        if not chosen:
            raise ProtocolError("invalid", _("Select the cards the vote is on."))
        found = {str(pk) for pk in cards.filter(id__in=chosen).values_list("id", flat=True)}
        missing = [ident for ident in chosen if ident not in found]
        if missing:
            raise ProtocolError(
                "not_found",
                _("There is no card %(id)s on this board (or it was deleted).")
                % {"id": missing[0]},
            )
        cards = cards.filter(id__in=chosen)
    return [str(pk) for pk in cards.values_list("id", flat=True)]


def _live_card(board, vote: Vote, ident: str) -> Card:
    if ident not in vote.cards:
        raise ProtocolError("invalid", _("That card is not part of this vote."))
    card = Card.objects.filter(board=board, id=ident).first()
    if card is None:
        missing = _("There is no card %(id)s on this board.")
        raise ProtocolError("not_found", missing % {"id": ident})
    if card.deleted:
        raise ProtocolError("deleted", _("That card was deleted by someone else."))
    return card


def _still_open(vote: Vote) -> None:
    if vote.status != VoteStatus.OPEN:
        raise ProtocolError(
            "conflict", _("The votes have been revealed: this vote takes no more dots.")
        )


def _live_dots(vote: Vote):
    return Dot.objects.filter(vote=vote, card__deleted=False)


def cast(board, user: User, args: dict) -> None:
    vote = _running_or_refuse(board)
    _still_open(vote)
    card = _live_card(board, vote, args["card"])
    mine = {dot.card_id: dot for dot in _live_dots(vote).filter(user=user)}
    used = sum(dot.count for dot in mine.values())
    if used >= vote.per_person:
        raise ProtocolError(
            "conflict",
            _("You have used all your votes (%(n)d): take one back to vote again.")
            % {"n": vote.per_person},
        )
    dot = mine.get(card.id)
    if dot is not None and dot.count >= vote.per_card:
        raise ProtocolError(
            "conflict",
            _("A card takes at most %(n)d of your votes.") % {"n": vote.per_card},
        )
    if dot is None:
        Dot.objects.create(vote=vote, user=user, card=card, count=1)
    else:
        Dot.objects.filter(pk=dot.pk).update(count=F("count") + 1)


def uncast(board, user: User, args: dict) -> None:
    vote = _running_or_refuse(board)
    _still_open(vote)
    if args["card"] not in vote.cards:
        raise ProtocolError("invalid", _("That card is not part of this vote."))
    dot = Dot.objects.filter(vote=vote, user=user, card_id=args["card"]).first()
    if dot is None:
        raise ProtocolError("invalid", _("You have no vote on that card to take back."))
    if dot.count > 1:
        Dot.objects.filter(pk=dot.pk).update(count=F("count") - 1)
    else:
        dot.delete()


def reveal(board, now: datetime) -> None:
    vote = _running_or_refuse(board)
    if vote.status != VoteStatus.OPEN:
        raise ProtocolError("conflict", _("This vote has been revealed already."))
    vote.status, vote.revealed = VoteStatus.REVEALED, now
    vote.save(update_fields=["status", "revealed"])


def close(board, now: datetime) -> Vote:
    """Close the running vote (revealing it, if it was not): it stays with the board."""
    vote = _running_or_refuse(board)
    vote.status, vote.closed = VoteStatus.CLOSED, now
    vote.revealed = vote.revealed or now
    vote.save(update_fields=["status", "closed", "revealed"])
    return vote


def results(vote: Vote) -> list[dict]:
    """The vote's cards that got dots, live ones only, most dots first (ties in the
    board's order): `{card, count, rank, voters}` with `voters` the user ids (for the
    caller to leave out of an anonymous vote). Equal counts share a rank (1, 2, 2, 4)."""
    counts: dict[str, int] = defaultdict(int)
    voters: dict[str, list[int]] = defaultdict(list)
    for card_id, user_id, count in _live_dots(vote).values_list("card_id", "user_id", "count"):
        counts[str(card_id)] += count
        voters[str(card_id)].append(user_id)
    order = {ident: index for index, ident in enumerate(vote.cards)}
    ranked = sorted(counts, key=lambda ident: (-counts[ident], order.get(ident, 0)))
    rows, rank, previous = [], 0, None
    for index, ident in enumerate(ranked):
        if counts[ident] != previous:
            rank, previous = index + 1, counts[ident]
        rows.append(
            {"card": ident, "count": counts[ident], "rank": rank, "voters": sorted(voters[ident])}
        )
    return rows


def promote_ops(board, args: dict) -> list[dict]:
    """The `card.create` ops that turn the top `top` cards of the running vote (revealed)
    or, without one, the last closed vote into opportunities: one opportunity per card,
    below it in its phase, with its text and high priority. Cards that are opportunities
    already are left as they are."""
    vote = running(board)
    if vote is None:
        closed = Vote.objects.filter(board=board, status=VoteStatus.CLOSED)
        vote = closed.order_by("-closed").first()
    if vote is None:
        raise ProtocolError("not_found", _("There is no vote on this board yet."))
    if vote.status == VoteStatus.OPEN:
        raise ProtocolError(
            "conflict", _("Reveal the votes before you turn the top cards into opportunities.")
        )
    top = [row["card"] for row in results(vote)[: args["top"]]]
    cards = {str(c.id): c for c in Card.objects.filter(board=board, id__in=top, deleted=False)}
    ops = []
    for ident in top:
        card = cards.get(ident)
        if card is None or card.kind == "opportunity":
            continue
        ops.append(
            {
                "op": "card.create",
                "id": str(uuid.uuid4()),
                "kind": "opportunity",
                "phase": str(card.phase_id) if card.phase_id else None,
                "x": card.x,
                "y": card.y + card.h + OPPORTUNITY_GAP,
                "text": card.text,
                "priority": "high",
            }
        )
    if not ops:
        raise ProtocolError("invalid", _("None of the top cards can become a new opportunity."))
    return ops


def view(board, viewer: Any) -> dict | None:
    """The `vote` section of the `workshop` frame for `viewer` (None: no vote running)."""
    vote = running(board)
    if vote is None:
        return None
    user = getattr(viewer, "user", None)
    role = viewer.role
    out: dict[str, Any] = {
        "id": str(vote.id),
        "title": vote.title,
        "scope": vote.scope,
        "cards": vote.cards,
        "per_person": vote.per_person,
        "per_card": vote.per_card,
        "anonymous": vote.anonymous,
        "status": vote.status,
    }
    dots = list(_live_dots(vote).values_list("user_id", "card_id", "count"))
    if user is not None and role_allows(role, Can.EDIT_BOARD):
        mine = {str(card): count for owner, card, count in dots if owner == user.pk}
        out["mine"] = mine
        out["left"] = max(0, vote.per_person - sum(mine.values()))
    if vote.status == VoteStatus.OPEN:
        if role_allows(role, Can.FACILITATE):
            out["voters"] = len({owner for owner, _card, _count in dots})
        return out
    out["voters"] = len({owner for owner, _card, _count in dots})
    rows = results(vote)
    names = {} if vote.anonymous else names_of({u for row in rows for u in row["voters"]})
    for row in rows:
        voters = row.pop("voters")
        if not vote.anonymous:
            row["by"] = [names.get(u, "") for u in voters]
    out["results"] = rows
    return out


def names_of(user_ids: set[int]) -> dict[int, str]:
    """Display names only: a guest on the board sees nobody's e-mail address."""
    return dict(User.objects.filter(pk__in=user_ids).values_list("id", "name"))
