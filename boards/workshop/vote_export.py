"""The votes of a board as the exports carry them (docs/exports.md, "Votes"): every vote
whose results have been revealed (closed ones too), oldest first, with its ranking. A vote
still hidden is left out, so an export never shows what the room has not seen."""

from __future__ import annotations

from datetime import UTC, datetime

from boards.models import Card
from boards.workshop.vote_models import Vote, VoteStatus
from boards.workshop.vote_rules import names_of, results


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def exported_votes(board) -> list[dict]:
    votes = list(
        Vote.objects.filter(board=board).exclude(status=VoteStatus.OPEN).order_by("opened", "id")
    )
    out = []
    for vote in votes:
        rows = results(vote)
        ids = [row["card"] for row in rows]
        texts = {
            str(pk): text for pk, text in Card.objects.filter(id__in=ids).values_list("id", "text")
        }
        voters = {user for row in rows for user in row["voters"]}
        names = {} if vote.anonymous else names_of(voters)
        ranking = []
        for row in rows:
            who = row.pop("voters")
            entry = {**row, "text": texts.get(row["card"], "")}
            if not vote.anonymous:
                entry["by"] = [names.get(user, "") for user in who]
            ranking.append(entry)
        out.append(
            {
                "id": str(vote.id),
                "title": vote.title,
                "status": vote.status,
                "scope": vote.scope,
                "per_person": vote.per_person,
                "per_card": vote.per_card,
                "anonymous": vote.anonymous,
                "opened": _when(vote.opened),
                "revealed": _when(vote.revealed),
                "closed": _when(vote.closed),
                "voters": len(voters),
                "results": ranking,
            }
        )
    return out
