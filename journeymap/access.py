"""Who may do what in an organisation: roles, capabilities, memberships, and whether a
session still signs someone in. What is particular to a board (its members and its
share-link guests) is boards.access, built on this; journeymap imports nothing of boards.

Rules:
- A person who is not a member of an object's organisation gets 404 (the object's
  existence is not leaked); a member whose role is too low gets 403.
- Capabilities map to the lowest role that holds them; roles are ranked.
- Owners are special: only an owner may make or unmake an owner, and the last owner of
  an organisation may be neither removed nor demoted (enforced in actions).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from journeymap.models import ROLE_RANK, Membership, Organisation, Role, User

if TYPE_CHECKING:
    from django.contrib.sessions.models import Session


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
    # Read the organisation's audit log (sign-ins, roles, invites, links, exports...).
    VIEW_AUDIT_LOG = "view_audit_log"


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
    Can.VIEW_AUDIT_LOG: Role.OWNER,
}


def role_allows(role: str | None, capability: Can) -> bool:
    if role is None:
        return False
    return ROLE_RANK[Role(role)] >= ROLE_RANK[MINIMUM_ROLE[capability]]


def membership_allows(membership: Membership, capability: Can) -> bool:
    """Whether the member may do `capability` now: their role allows it, and their
    organisation has it turned on (exports, share links)."""
    if not role_allows(membership.role, capability):
        return False
    if capability is Can.EXPORT_BOARD:
        return membership.organisation.allow_exports
    if capability is Can.SHARE_BOARD:
        return membership.organisation.allow_share_links
    return True


def capabilities(membership: Membership) -> dict[str, bool]:
    """Every capability, by its value, and whether the member holds it: the `can` that
    pages are drawn from (templates ask `can.edit_board`, never a role's name)."""
    return {capability.value: membership_allows(membership, capability) for capability in Can}


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


def is_signed_in(user: User | None, session: Session | None, now: datetime | None = None) -> bool:
    """Whether `session` (a row of the session table, None when it is gone) still signs
    `user` in, as Django's auth middleware would judge the next request with its cookie:
    for a connection that stays open long after the request that opened it. Logging out
    deletes the session; changing the password changes the hash the session must carry;
    deactivating the user ends every session."""
    if user is None or session is None:
        return False
    if not user.is_active:
        return False
    if session.expire_date <= (now or timezone.now()):
        return False
    data = session.get_decoded()
    if str(data.get(SESSION_KEY)) != str(user.pk):
        return False
    carried = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(constant_time_compare(carried, known) for known in hashes)
