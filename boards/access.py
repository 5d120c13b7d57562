"""Who may read and change a board: the one place views and the live consumer ask.

A board is read by the members of its organisation, whose role says what else they may
do there (journeymap.access: roles, capabilities), and by guests holding one of its share
links, who only read. Both are a `Viewer`.

- Someone who may not read a board gets 404 (its existence is not leaked); a member whose
  role is too low gets 403. A share link that worked and no longer does is ShareLinkGone.
- `Viewer.may` answers from what is known of the viewer (a page's request, a socket's
  connect or last role change): it draws pages and the `can` of the live protocol.
- `Viewer.may_read` and `Viewer.signed_in` ask the database again: a socket stays open
  long after the request that opened it, and the messages that tell it its access ended
  may be lost (the channel layer delivers at most once).
- Writes are judged where they are committed, against the role read in the commit's
  transaction (boards.live.commit), never against a role remembered here.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from boards.models import Board, ShareLink
from journeymap.access import (
    Can,
    capabilities,
    get_membership,
    is_signed_in,
    membership_allows,
    role_allows,
)
from journeymap.models import Membership, Organisation, Role, User


def get_board_for_user(
    user, board_id: UUID | str, capability: Can = Can.VIEW_BOARD
) -> tuple[Board, Membership]:
    """The board and the user's membership of its organisation: 404 for a board that does
    not exist or that the user is not a member of, 403 for a role without `capability`."""
    board = Board.objects.select_related("organisation").filter(pk=board_id).first()
    if board is None:
        raise Http404
    membership = get_membership(user, board.organisation_id)
    if membership is None:
        raise Http404
    if not role_allows(membership.role, capability):
        raise PermissionDenied
    return board, membership


class ShareLinkGone(Exception):
    """A share link that existed but no longer opens the board (revoked, expired, or its
    organisation turned share links off): the page says so instead of "not found"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "revoked" | "expired" | "disabled"


def get_board_for_share(token: str) -> tuple[Board, ShareLink]:
    """The board a share link opens, and the link: the one check for guests, over HTTP and
    over the WebSocket. An unknown or tampered token is 404; a known one that no longer
    works raises ShareLinkGone."""
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


class Viewer:
    """Someone on a board: a member of its organisation (`user` and their `membership`
    as last read, and for a socket the `session_key` that signed them in), or a guest
    through a share `link` (role viewer; reads, never writes)."""

    def __init__(
        self,
        *,
        user: User | None = None,
        membership: Membership | None = None,
        session_key: str | None = None,
        link: ShareLink | None = None,
    ) -> None:
        self.user = user
        self.membership = membership
        self.session_key = session_key
        self.link = link

    @classmethod
    def member(cls, user: User, membership: Membership, session_key: str | None = None) -> Viewer:
        return cls(user=user, membership=membership, session_key=session_key)

    @classmethod
    def guest(cls, link: ShareLink) -> Viewer:
        return cls(link=link)

    @property
    def is_guest(self) -> bool:
        return self.link is not None

    @property
    def role(self) -> str:
        return Role.VIEWER if self.is_guest else self.membership.role

    @property
    def organisation(self) -> Organisation:
        return self.link.board.organisation if self.is_guest else self.membership.organisation

    def may(self, capability: Can) -> bool:
        """Whether the viewer may do `capability` now: a guest only reads; a member as
        their role and their organisation's settings allow (membership_allows)."""
        if self.is_guest:
            return capability is Can.VIEW_BOARD
        return membership_allows(self.membership, capability)

    def can(self) -> dict[str, bool]:
        """Every capability by its `Can` value, and whether the viewer holds it: the `can`
        of the board's pages and of the live protocol's welcome and role frames."""
        if self.is_guest:
            return {capability.value: self.may(capability) for capability in Can}
        return capabilities(self.membership)

    def may_read(self, board: Board) -> bool:
        """Whether the viewer may still read `board`, asked of the database again: the
        member is still a member of its organisation; the guest's link still opens it."""
        if self.is_guest:
            try:
                shared, _link = get_board_for_share(self.link.token)
            except (Http404, ShareLinkGone):
                return False
            return shared.pk == board.pk
        return get_membership(self.user, board.organisation_id) is not None

    def role_now(self, board: Board) -> str | None:
        """The viewer's role on `board` read from the database now, for a write judged in
        its own transaction (a facilitation action, boards.workshop.registry); None when
        they may no longer read it."""
        if self.is_guest:
            return Role.VIEWER if self.may_read(board) else None
        membership = get_membership(self.user, board.organisation_id)
        return membership.role if membership is not None else None

    def signed_in(self) -> bool:
        """Whether the member's session still signs them in (not logged out, password not
        changed elsewhere, still active): asked of the database again. A guest has no
        session to lose."""
        if self.is_guest:
            return True
        session = Session.objects.filter(session_key=self.session_key or "").first()
        user = User.objects.filter(pk=self.user.pk).only("is_active", "password").first()
        return is_signed_in(user, session)

    def refresh(self) -> bool:
        """Re-read the member's role (after a "membership changed" message); False when
        they are no longer a member."""
        membership = get_membership(self.user, self.organisation.pk)
        if membership is None:
            return False
        self.membership = membership
        return True


def get_viewer_for_board(user, board_id, session_key: str | None = None) -> tuple[Board, Viewer]:
    """The board and its member `user` as a Viewer: 404 as get_board_for_user."""
    board, membership = get_board_for_user(user, board_id)
    return board, Viewer.member(user, membership, session_key)


def get_viewer_for_share(token: str) -> tuple[Board, Viewer]:
    """The board a share link opens and its guest: 404 or ShareLinkGone as
    get_board_for_share."""
    board, link = get_board_for_share(token)
    return board, Viewer.guest(link)
