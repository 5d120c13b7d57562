"""Who may do what: the one place every view and consumer asks.

Rules:
- A person who is not a member of an object's organisation gets 404 (the object's
  existence is not leaked); a member whose role is too low gets 403.
- Capabilities map to the lowest role that holds them; roles are ranked.
- Owners are special: only an owner may make or unmake an owner, and the last owner of
  an organisation may be neither removed nor demoted (enforced in actions).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404

from journeymap.models import ROLE_RANK, Membership, Organisation, Role

if TYPE_CHECKING:
    from boards.models import Board


class Can(enum.StrEnum):
    VIEW_ORGANISATION = "view_organisation"
    RENAME_ORGANISATION = "rename_organisation"
    MANAGE_MEMBERS = "manage_members"
    VIEW_BOARD = "view_board"
    EDIT_BOARD = "edit_board"
    CREATE_BOARD = "create_board"
    ARCHIVE_BOARD = "archive_board"
    DELETE_BOARD = "delete_board"
    # Run the workshop: move a board from stage to stage (everyone sees the same step).
    FACILITATE = "facilitate"
    # Save a board as a template of the organisation (using one is CREATE_BOARD).
    SAVE_TEMPLATE = "save_template"
    # Download a board or one of its snapshots (only while the organisation allows it).
    EXPORT_BOARD = "export_board"
    # Save a named snapshot of a board.
    SNAPSHOT_BOARD = "snapshot_board"
    # Put a snapshot back in place of the live board, for everyone on it.
    RESTORE_BOARD = "restore_board"
    # Make and revoke read-only links for people outside (while the organisation allows).
    SHARE_BOARD = "share_board"
    # Turn exports and share links on or off for the whole organisation.
    MANAGE_SHARING = "manage_sharing"


MINIMUM_ROLE: dict[Can, Role] = {
    Can.VIEW_ORGANISATION: Role.VIEWER,
    Can.RENAME_ORGANISATION: Role.ADMIN,
    Can.MANAGE_MEMBERS: Role.ADMIN,
    Can.VIEW_BOARD: Role.VIEWER,
    Can.EDIT_BOARD: Role.EDITOR,
    Can.CREATE_BOARD: Role.EDITOR,
    Can.ARCHIVE_BOARD: Role.FACILITATOR,
    Can.DELETE_BOARD: Role.ADMIN,
    Can.FACILITATE: Role.FACILITATOR,
    Can.SAVE_TEMPLATE: Role.EDITOR,
    Can.EXPORT_BOARD: Role.VIEWER,
    Can.SNAPSHOT_BOARD: Role.EDITOR,
    Can.RESTORE_BOARD: Role.FACILITATOR,
    Can.SHARE_BOARD: Role.FACILITATOR,
    Can.MANAGE_SHARING: Role.ADMIN,
}


def role_allows(role: str | None, capability: Can) -> bool:
    if role is None:
        return False
    return ROLE_RANK[Role(role)] >= ROLE_RANK[MINIMUM_ROLE[capability]]


def get_membership(user, organisation_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation_id=organisation_id)
        .first()
    )


def _require(membership: Membership | None, capability: Can) -> Membership:
    if membership is None:
        raise Http404
    if not role_allows(membership.role, capability):
        raise PermissionDenied
    return membership


def get_organisation_for_user(
    user, organisation_id: int, capability: Can = Can.VIEW_ORGANISATION
) -> tuple[Organisation, Membership]:
    membership = _require(get_membership(user, organisation_id), capability)
    return membership.organisation, membership


def get_board_for_user(
    user, board_id: UUID | str, capability: Can = Can.VIEW_BOARD
) -> tuple[Board, Membership]:
    from boards.models import Board

    board = Board.objects.select_related("organisation").filter(pk=board_id).first()
    if board is None:
        raise Http404
    membership = _require(get_membership(user, board.organisation_id), capability)
    return board, membership


def may_assign_role(actor: Membership, target_role: str, current_role: str | None = None) -> bool:
    """Whether `actor` may give someone `target_role` (or take `current_role` away)."""
    if not role_allows(actor.role, Can.MANAGE_MEMBERS):
        return False
    if actor.role == Role.OWNER:
        return True
    # Admins manage everyone below owner, and never make or unmake an owner.
    return Role.OWNER not in (target_role, current_role)


def require_exports_allowed(organisation: Organisation) -> None:
    """Exports (and imports out of a file made elsewhere) are off when the organisation's
    owners or admins turned them off: 403 for everyone, whatever their role."""
    if not organisation.allow_exports:
        raise PermissionDenied


def require_share_links_allowed(organisation: Organisation) -> None:
    if not organisation.allow_share_links:
        raise PermissionDenied


class ShareLinkGone(Exception):
    """A share link that existed but no longer opens the board (revoked, expired, or its
    organisation turned share links off): the page says so instead of "not found"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "revoked" | "expired" | "disabled"


def get_board_for_share(token: str):
    """The board a share link opens, and the link: the one check for guests, over HTTP and
    over the WebSocket. An unknown or tampered token is 404; a known one that no longer
    works raises ShareLinkGone."""
    from django.utils import timezone

    from boards.models import ShareLink

    link = ShareLink.objects.select_related("board__organisation").filter(token=token or "").first()
    if link is None:
        raise Http404
    if link.revoked is not None:
        raise ShareLinkGone("revoked")
    if link.expires is not None and link.expires <= timezone.now():
        raise ShareLinkGone("expired")
    if not link.board.organisation.allow_share_links:
        raise ShareLinkGone("disabled")
    return link.board, link
