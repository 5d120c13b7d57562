"""The audit log an owner reads (organisation settings, "Audit log"): `record` writes one
event, called by the actions inside their transaction, so an event exists exactly when
what it records does. Sign-ins and failed sign-ins come from Django's auth signals (they
are Django's events, not ours), connected in journeymap.apps.

Who and from where default to the current request's person and address
(journeymap.context), so that an action called from a view or the admin needs no extra
arguments; a management command records no person and no address.
"""

from __future__ import annotations

import ipaddress

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from journeymap import context
from journeymap.models import AuditAction, AuditEvent, Membership, Organisation, Role, User

_UNSET = object()


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value or ""))
    except ValueError:
        return None


def record(
    *,
    organisation: Organisation | int | None,
    action: AuditAction,
    subject: str = "",
    details: dict | None = None,
    actor=_UNSET,
) -> AuditEvent:
    """Write one audit event. `actor`: a User, None for nobody, or (left out) the person
    of the current request."""
    actor_id = context.user_id.get() if actor is _UNSET else getattr(actor, "pk", None)
    return AuditEvent.objects.create(
        organisation_id=getattr(organisation, "pk", organisation),
        actor_id=actor_id,
        action=action,
        subject=str(subject)[:200],
        details=details or {},
        address=_address(context.address.get()),
    )


def _for_each_organisation(user: User | None, **fields) -> None:
    organisations = (
        list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
        if user is not None
        else []
    )
    for organisation_id in organisations or [None]:
        record(organisation=organisation_id, **fields)


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        context.address.set(request.META.get("REMOTE_ADDR"))
    _for_each_organisation(user, action=AuditAction.LOGIN, subject=user.email, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    """Recorded in every organisation of the account tried (or none, for an address
    nobody has), with the address typed: the password is never in `credentials`."""
    typed = str(credentials.get("username") or credentials.get("email") or "")
    if request is not None:
        context.address.set(request.META.get("REMOTE_ADDR"))
    user = User.objects.filter(email__iexact=typed).first() if typed else None
    _for_each_organisation(user, action=AuditAction.LOGIN_FAILED, subject=typed, actor=None)


def describe(event: AuditEvent) -> str:
    """What the details of `event` say, for the page (may be empty)."""
    details = event.details or {}
    if event.action == AuditAction.ROLE_CHANGED:
        return f"{_role(details.get('from'))} → {_role(details.get('to'))}"
    if event.action in {AuditAction.INVITE_CREATED, AuditAction.INVITE_ACCEPTED}:
        return _role(details.get("role"))
    if event.action == AuditAction.BOARD_EXPORTED:
        return " · ".join(
            [str(details.get("format", "")).upper(), str(details.get("version") or "")]
        ).strip(" ·")
    if event.action == AuditAction.SHARING_CHANGED:
        return " · ".join(
            [
                str(_("Exports allowed") if details.get("exports") else _("Exports turned off")),
                str(
                    _("Share links allowed")
                    if details.get("share_links")
                    else _("Share links turned off")
                ),
            ]
        )
    if event.action == AuditAction.BOARD_RESTORED:
        return str(details.get("version", ""))
    if event.action in {AuditAction.SHARE_LINK_CREATED, AuditAction.SHARE_LINK_REVOKED}:
        return str(details.get("label", ""))
    return ""


def _role(value) -> str:
    return str(Role(value).label) if value in Role.values else ""
