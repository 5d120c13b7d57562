"""Writes to organisations, memberships and invites. Each runs in one transaction.

Actions trust their caller to have asked `journeymap.access` whether the actor may act;
the rules that hold whoever acts (the last owner stays, invites are single use) are
enforced here, raising `ActionError` with a message a person can read.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journeymap import audit, live
from journeymap.models import (
    ROLE_RANK,
    AuditAction,
    Invite,
    Membership,
    Organisation,
    Role,
    User,
)


class ActionError(Exception):
    """A rule refused the change; str(error) is shown to the person."""


def organisation_create(*, name: str, creator: User) -> Organisation:
    with transaction.atomic():
        organisation = Organisation(name=name.strip(), created_by=creator)
        organisation.full_clean()
        organisation.save()
        Membership.objects.create(organisation=organisation, user=creator, role=Role.OWNER)
    return organisation


def organisation_rename(*, organisation: Organisation, name: str) -> Organisation:
    organisation.name = name.strip()
    organisation.full_clean()
    organisation.save(update_fields=["name"])
    return organisation


def organisation_set_sharing(
    *, organisation: Organisation, allow_exports: bool, allow_share_links: bool
) -> Organisation:
    """Owners and admins turn exports and share links on or off for all the
    organisation's boards; turning links off closes every guest's socket at once (their
    sockets listen on journeymap.live.sharing_group, and re-check their link on every
    sync and ping should the message be lost)."""
    with transaction.atomic():
        organisation.allow_exports = allow_exports
        organisation.allow_share_links = allow_share_links
        organisation.save(update_fields=["allow_exports", "allow_share_links"])
        audit.record(
            organisation=organisation,
            action=AuditAction.SHARING_CHANGED,
            subject=organisation.name,
            details={"exports": allow_exports, "share_links": allow_share_links},
        )
        if not allow_share_links:
            transaction.on_commit(
                lambda: live.share_links_turned_off(organisation_id=organisation.pk)
            )
    return organisation


def account_signup(*, name: str, email: str, password: str) -> tuple[User, bool]:
    """A new account with its address not yet confirmed, and True; or, when the address has
    an account already, that account untouched, and False. The password is hashed either
    way, so that both answers take as long."""
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)
        return existing, False
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, name=name), True
    except IntegrityError:  # the same address signed up twice at once
        return User.objects.get(email__iexact=email), False


def user_confirm_email(*, user: User) -> User:
    """The person showed they read their address (a confirmation or reset link)."""
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


def user_set_preferences(*, user: User, language: str, time_zone: str) -> User:
    """The person's own language and time zone; empty for "the browser's"."""
    user.language = language
    user.time_zone = time_zone
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language", "time_zone"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


def organisation_set_locale(
    *, organisation: Organisation, language: str, time_zone: str
) -> Organisation:
    """What the organisation writes in and tells time by where nobody's own choice applies
    (invites, automatic version names, scheduled jobs)."""
    organisation.language = language
    organisation.time_zone = time_zone
    organisation.full_clean()
    organisation.save(update_fields=["language", "time_zone"])
    return organisation


def _owner_count(organisation_id: int) -> int:
    return Membership.objects.filter(organisation_id=organisation_id, role=Role.OWNER).count()


def _lock_memberships(organisation_id: int) -> None:
    # Two admins demoting the last two owners at once must not both succeed: serialise
    # membership changes per organisation on its row.
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise ActionError(_("Unknown role."))
    with transaction.atomic():
        _lock_memberships(membership.organisation_id)
        membership.refresh_from_db()
        if (
            membership.role == Role.OWNER
            and role != Role.OWNER
            and _owner_count(membership.organisation_id) <= 1
        ):
            raise ActionError(
                _("The last owner cannot be demoted. Make someone else an owner first.")
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        if previous != role:
            audit.record(
                organisation=membership.organisation_id,
                action=AuditAction.ROLE_CHANGED,
                subject=membership.user.email,
                details={"from": previous, "to": role},
            )
        _on_membership_changed(membership)
    return membership


def membership_remove(*, membership: Membership) -> None:
    with transaction.atomic():
        _lock_memberships(membership.organisation_id)
        membership.refresh_from_db()
        if membership.role == Role.OWNER and _owner_count(membership.organisation_id) <= 1:
            raise ActionError(
                _("The last owner cannot leave or be removed. Make someone else an owner first.")
            )
        membership.delete()
        audit.record(
            organisation=membership.organisation_id,
            action=AuditAction.MEMBER_REMOVED,
            subject=membership.user.email,
            details={"role": membership.role},
        )
        _on_membership_changed(membership, removed=True)


def _on_membership_changed(membership: Membership, *, removed: bool = False) -> None:
    """Live sessions follow membership: see journeymap.live."""
    transaction.on_commit(
        lambda: live.membership_changed(
            organisation_id=membership.organisation_id,
            user_id=membership.user_id,
            removed=removed,
        )
    )


def invite_create(
    *, organisation: Organisation, role: str, created_by: User, email: str = ""
) -> Invite:
    if role == Role.OWNER:
        raise ActionError(_("Invite people as admin or below; make them owner after they join."))
    invite = Invite(
        organisation=organisation,
        role=role,
        email=email.strip().lower(),
        created_by=created_by,
        expires=timezone.now() + timedelta(days=settings.INVITE_TTL_DAYS),
    )
    invite.full_clean()
    with transaction.atomic():
        invite.save()
        audit.record(
            organisation=organisation,
            action=AuditAction.INVITE_CREATED,
            subject=invite.email,
            details={"role": role, "invite": str(invite.pk)},
        )
    return invite


def invite_revoke(*, invite: Invite) -> None:
    if invite.revoked is None and invite.accepted is None:
        with transaction.atomic():
            invite.revoked = timezone.now()
            invite.save(update_fields=["revoked"])
            audit.record(
                organisation=invite.organisation_id,
                action=AuditAction.INVITE_REVOKED,
                subject=invite.email,
                details={"role": invite.role, "invite": str(invite.pk)},
            )


def invite_accept(*, token: str, user: User) -> Membership:
    """Join the invite's organisation with its role. Single use; an e-mail invite is for
    that address only. Someone already a member keeps the higher of the two roles."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(token=token).first()
        if invite is None or invite.revoked is not None:
            raise ActionError(_("This invite is not valid. Ask for a new one."))
        if invite.accepted is not None:
            raise ActionError(_("This invite has already been used. Ask for a new one."))
        if invite.expires <= timezone.now():
            raise ActionError(_("This invite has expired. Ask for a new one."))
        if invite.email and invite.email.lower() != user.email.lower():
            raise ActionError(
                _("This invite was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invite.email}
            )
        if invite.email and not user.email_verified:
            # Anyone can sign up with any address: the invite's role is for whoever reads it.
            raise ActionError(
                _("Confirm your e-mail address first: open the link we sent to %(email)s.")
                % {"email": invite.email}
            )
        membership, created = Membership.objects.get_or_create(
            organisation=invite.organisation, user=user, defaults={"role": invite.role}
        )
        if not created and ROLE_RANK[Role(invite.role)] > ROLE_RANK[Role(membership.role)]:
            membership.role = invite.role
            membership.save(update_fields=["role"])
        invite.accepted = timezone.now()
        invite.accepted_by = user
        invite.save(update_fields=["accepted", "accepted_by"])
        audit.record(
            organisation=invite.organisation_id,
            action=AuditAction.INVITE_ACCEPTED,
            subject=user.email,
            details={"role": invite.role, "invite": str(invite.pk)},
            actor=user,
        )
    return membership


def invite_signup(*, token: str, name: str, password: str) -> Membership:
    """The short path of an e-mail invite for someone without an account: the account (its
    address the invite's, confirmed, since the invite's link was mailed to it) and the
    membership, in one step. Refused, nothing made, when the address has an account
    already (its owner logs in to accept) or the invite is not usable."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(token=token).first()
        if invite is None or not invite.email:
            raise ActionError(_("This invite is not valid. Ask for a new one."))
        if User.objects.filter(email__iexact=invite.email).exists():
            raise ActionError(
                _("There is an account for %(email)s already. Log in to accept the invite.")
                % {"email": invite.email}
            )
        user = User.objects.create_user(email=invite.email, password=password, name=name)
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        return invite_accept(token=token, user=user)
