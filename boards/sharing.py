"""Read-only share links for people outside the organisation (boards.models.ShareLink).

Revoking is immediate: the link stops opening the page, and the sockets opened through
it are told to close after the commit. A socket that misses that message (the channel
layer delivers at most once) is still closed at its next heartbeat, which re-checks the
link (boards.live.consumer.ShareConsumer).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from boards.live import events
from boards.models import Board, ShareLink
from journeymap import audit
from journeymap.models import AuditAction, User


def share_link_create(
    *, board: Board, actor: User, label: str = "", live_updates: bool = True, days: int | None
) -> ShareLink:
    link = ShareLink(
        board=board,
        label=label.strip(),
        live=live_updates,
        expires=timezone.now() + timedelta(days=days) if days else None,
        created_by=actor,
    )
    link.full_clean(exclude=["board", "created_by"])
    with transaction.atomic():
        link.save()
        audit.record(
            organisation=board.organisation_id,
            action=AuditAction.SHARE_LINK_CREATED,
            subject=board.title,
            details={"board": str(board.pk), "link": str(link.pk), "label": link.label},
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
