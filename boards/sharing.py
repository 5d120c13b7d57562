"""Share links for people outside the organisation (boards.models.ShareLink): read-only
links to watch, and workshop links whose guests join by name (boards.guests).

Revoking is immediate: the link stops opening the page, and the sockets opened through
it (anonymous watchers' and joined guests' alike) are told to close after the commit. A
socket that misses that message (the channel layer delivers at most once) is still closed
at its next heartbeat, which re-checks the link (boards.live.share_consumer.ShareConsumer), and
a joined guest's next op is refused in its commit (boards.live.commit).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boards import guests
from boards.live import events
from boards.models import Board, ShareLink
from journeymap import audit
from journeymap.models import AuditAction, Role, User


def share_link_create(
    *,
    board: Board,
    actor: User,
    label: str = "",
    live_updates: bool = True,
    days: int | None,
    role: str = Role.VIEWER,
    passcode: str = "",
) -> ShareLink:
    """A link for people outside: to watch (role viewer), or a workshop link whose guests
    join by name (role editor, or any link with a passcode: boards.guests)."""
    link = ShareLink(
        board=board,
        label=label.strip(),
        live=live_updates or role == Role.EDITOR,
        expires=timezone.now() + timedelta(days=days) if days else None,
        created_by=actor,
        role=role,
    )
    guests.set_passcode(link, passcode)
    link.full_clean(exclude=["board", "created_by"])
    with transaction.atomic():
        link.save()
        audit.record(
            organisation=board.organisation_id,
            action=AuditAction.SHARE_LINK_CREATED,
            subject=board.title,
            details={
                "board": str(board.pk),
                "link": str(link.pk),
                "label": link.label,
                "role": link.role,
                "passcode": bool(link.passcode),
            },
            actor=actor,
        )
    return link


def share_link_revoke(*, link: ShareLink) -> ShareLink:
    with transaction.atomic():
        if link.revoked is None:
            link.revoked = timezone.now()
            link.save(update_fields=["revoked"])
            audit.record(
                organisation=link.board.organisation_id,
                action=AuditAction.SHARE_LINK_REVOKED,
                subject=link.board.title,
                details={"board": str(link.board_id), "link": str(link.pk), "label": link.label},
            )
        transaction.on_commit(lambda: events.share_ended(link.pk))
    return link
