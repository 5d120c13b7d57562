"""Guests who join a board through a workshop link (ShareLink.asks_name), and what they
can become.

- Joining: the guest types a display name (and the link's passcode, if it has one). Someone
  not signed in gets a guest account (User.is_guest: no usable password, a placeholder
  address under GUEST_EMAIL_DOMAIN that no mail goes to, `name` the display name), signed
  in by a session as anyone is, so the board's socket and commit path judge them as they
  judge members: by the role read in the commit's transaction, here their link's. Someone
  signed in with their own account (from outside the organisation) joins as themselves.
  Either way a Guest row ties the person to the link, and the link's end is theirs.
- A guest account never becomes a member by joining: no membership, so no organisation
  page, member list or other board is theirs (journeymap.guests keeps them to the link's
  pages).
- Making an account: a guest gives an e-mail address and a password, confirms the
  address as a signup does (journeymap.verification), and keeps their cards (they are the
  same User). Joining the organisation is the organisation's call: a facilitator or admin
  invites the address as they invite anyone.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from boards.models import Guest, ShareLink
from journeymap.models import User

GUEST_EMAIL_DOMAIN = "guests.invalid"  # RFC 2606: never delivered


def set_passcode(link: ShareLink, passcode: str) -> None:
    """Hash the passcode into `link` (Django's password hashers); empty: no passcode."""
    link.passcode = make_password(passcode) if passcode else ""


def passcode_matches(link: ShareLink, passcode: str) -> bool:
    return not link.passcode or check_password(passcode or "", link.passcode)


def guest_join(*, link: ShareLink, name: str, user: User | None = None) -> User:
    """Tie a person to `link` and return them: `user` (signed in with their own account,
    or a guest already) as they are, else a new guest account named `name`."""
    with transaction.atomic():
        if user is None or not user.is_authenticated:
            user = User(
                email=f"guest-{uuid.uuid4().hex}@{GUEST_EMAIL_DOMAIN}",
                name=name.strip(),
                is_guest=True,
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
        elif user.is_guest and name.strip() and user.name != name.strip():
            user.name = name.strip()
            user.save(update_fields=["name"])
        Guest.objects.get_or_create(user=user, link=link)
    return user


def guest_links(user: User):
    """The links `user` joined, newest first, with their boards."""
    return ShareLink.objects.filter(guests__user=user).select_related("board").order_by("-created")


def guest_make_account(*, user: User, email: str, password: str) -> bool:
    """Turn a guest account into an account of its own: the address (to be confirmed) and
    a password; the same User, so every card they wrote stays theirs. False, and nothing
    changed, when the address belongs to someone already."""
    email = User.objects.normalize_email(email).lower()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            return False
        user.email = email
        user.email_verified = False
        user.is_guest = False
        user.set_password(password)
        user.save(update_fields=["email", "email_verified", "is_guest", "password"])
    return True
