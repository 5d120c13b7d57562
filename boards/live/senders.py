"""Who the frames of a group commit (boards.live.commit) come from, judged in its
transaction after the board's lock, so that nothing changed meanwhile slips through: a
workshop guest's link still valid (boards.guests), a session that still signs its person
in (journeymap.access.is_signed_in). A frame that fails either is refused alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from boards.models import Board, ShareLink
from journeymap.access import is_signed_in
from journeymap.models import Organisation

if TYPE_CHECKING:
    from boards.live.commit import OpRequest


def guest_link_roles(board: Board, requests: list[OpRequest]) -> dict:
    """The role of each workshop link the guests among `requests` joined through, read
    after the board's lock: a link revoked, expired, of another board, or of an
    organisation that turned share links off since the guest's socket opened has none (so
    its guests' ops are refused as a removed member's are: BoardGone, 4410)."""
    ids = {request.link_id for request in requests if request.link_id}
    if not ids:
        return {}
    if not Organisation.objects.filter(pk=board.organisation_id, allow_share_links=True).exists():
        return {}
    now = timezone.now()
    links = ShareLink.objects.filter(pk__in=ids, board_id=board.pk, revoked__isnull=True).filter(
        Q(expires__isnull=True) | Q(expires__gt=now)
    )
    return dict(links.values_list("pk", "role"))


def sessions_signed_in(requests: list[OpRequest], users: list, sessions: list) -> list[bool]:
    """Per request, whether its session still signs its sender in (True without one)."""
    users_by_id = {user.pk: user for user in users}
    sessions_by_key = {session.session_key: session for session in sessions}
    now = timezone.now()
    judged: dict[tuple, bool] = {(None, None): True}  # (user id, session key) -> signed in
    answers = []
    for request in requests:
        key = (request.user.pk, request.session_key) if request.session_key else (None, None)
        if key not in judged:
            user, session = users_by_id.get(key[0]), sessions_by_key.get(key[1])
            judged[key] = is_signed_in(user, session, now)
        answers.append(judged[key])
    return answers
